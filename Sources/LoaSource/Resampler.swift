import CSoxr

/// Converts mono float audio from a file's rate to 48 kHz with libsoxr (high quality).
public final class Resampler {
    private let handle: soxr_t?
    /// The input rate; 48 kHz input passes through unchanged.
    public let inputRate: Int

    public init(inputRate: Int, outputRate: Int) throws(ClipError) {
        self.inputRate = inputRate
        if inputRate == outputRate {
            handle = nil
            return
        }
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let created = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil)
        if let error { throw .resampling(detail: String(cString: error)) }
        handle = created
    }

    deinit { if let handle { soxr_delete(handle) } }

    /// Resamples `input` (empty: flush what the filter still holds) and hands each output block to `emit`.
    public func process(
        _ input: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>) throws(ClipError) -> Void
    ) throws(ClipError) {
        guard let handle else {
            if input.count > 0 { try emit(input) }
            return
        }
        var output = [Float](repeating: 0, count: 8192)
        var consumed = 0
        let flushing = input.count == 0
        while true {
            var inputDone = 0
            var outputDone = 0
            let remaining = input.count - consumed
            let error = output.withUnsafeMutableBufferPointer { out in
                soxr_process(
                    handle, flushing ? nil : input.baseAddress! + consumed, flushing ? 0 : remaining, &inputDone,
                    out.baseAddress, out.count, &outputDone)
            }
            if let error { throw .resampling(detail: String(cString: error)) }
            consumed += inputDone
            if outputDone > 0 {
                try output.withUnsafeBufferPointer { out throws(ClipError) in
                    try emit(UnsafeBufferPointer(rebasing: out[0..<outputDone]))
                }
            }
            if flushing {
                if outputDone == 0 { return }
            } else if consumed >= input.count && outputDone < output.count {
                return
            }
        }
    }
}
