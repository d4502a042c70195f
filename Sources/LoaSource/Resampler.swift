import CSoxr

/// Converts mono float audio from a file's rate to 48 kHz with libsoxr (high quality).
public final class Resampler {
    private let handle: soxr_t?
    /// Output block, allocated once: resampling allocates nothing per call.
    private let output: UnsafeMutableBufferPointer<Float>
    /// The input rate; 48 kHz input passes through unchanged.
    public let inputRate: Int

    public init(inputRate: Int, outputRate: Int) throws(ClipError) {
        self.inputRate = inputRate
        if inputRate == outputRate {
            handle = nil
            output = UnsafeMutableBufferPointer(start: nil, count: 0)
            return
        }
        var error: soxr_error_t?
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let created = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil)
        if let error { throw .resampling(detail: String(cString: error)) }
        handle = created
        output = .allocate(capacity: 8192)
        output.initialize(repeating: 0)
    }

    deinit {
        if let handle { soxr_delete(handle) }
        output.deallocate()
    }

    /// Resamples `input` (empty: flush what the filter still holds) and hands each output block to `emit`.
    public func process(
        _ input: UnsafeBufferPointer<Float>, emit: (UnsafeBufferPointer<Float>) throws(ClipError) -> Void
    ) throws(ClipError) {
        guard let handle else {
            if input.count > 0 { try emit(input) }
            return
        }
        var consumed = 0
        let flushing = input.count == 0
        while true {
            var inputDone = 0
            var outputDone = 0
            let remaining = input.count - consumed
            let error = soxr_process(
                handle, flushing ? nil : input.baseAddress! + consumed, flushing ? 0 : remaining, &inputDone,
                output.baseAddress, output.count, &outputDone)
            if let error { throw .resampling(detail: String(cString: error)) }
            consumed += inputDone
            if outputDone > 0 { try emit(UnsafeBufferPointer(rebasing: output[0..<outputDone])) }
            if flushing {
                if outputDone == 0 { return }
            } else if consumed >= input.count && outputDone < output.count {
                return
            }
        }
    }
}
