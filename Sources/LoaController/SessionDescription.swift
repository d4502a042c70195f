/// The SDP (RFC 4566) of a zone stream, as RFC 7587 asks for Opus, so that ffmpeg, GStreamer or VLC can
/// listen: `ffmpeg -protocol_whitelist file,udp,rtp -i ZONE.sdp out.wav`.
public struct SessionDescription: Sendable {
    public let zone: Zone
    /// The address of the sending host, for the origin line.
    public let origin: String

    public init(zone: Zone, origin: String) {
        self.zone = zone
        self.origin = origin
    }

    /// The SDP text, CRLF-terminated lines.
    public var text: String {
        let group = zone.group.address.text
        let lines = [
            "v=0",
            "o=loa 0 0 IN IP4 \(origin)",
            "s=Loa zone \(zone.name)",
            "c=IN IP4 \(group)/\(max(zone.ttl, 0))",
            "t=0 0",
            "a=tool:loa-controller",
            "a=recvonly",
            "m=audio \(zone.group.port) RTP/AVP \(zone.payloadType)",
            "a=rtpmap:\(zone.payloadType) opus/48000/2",
            "a=fmtp:\(zone.payloadType) sprop-stereo=0; stereo=0; useinbandfec=1; maxaveragebitrate=\(zone.encoder.bitrate)",
            "a=ptime:\(zone.encoder.frameMilliseconds)",
        ]
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
