/// What a live item airs from: a capture input (`LiveSource`) or a relayed station (`RelaySource`). Each encodes
/// on its own thread into its feed, which the zones that air the item read.
public protocol LiveOrigin: AnyObject, Sendable {
    var feed: LiveFeed { get }
    /// Asks the origin to end its feed (within a frame).
    func stop()
    /// True once the feed has ended.
    var hasEnded: Bool { get }
    /// Why it ended by itself; nil while it runs or when stopped.
    var endReason: String? { get }
}

extension LiveSource: LiveOrigin {}
extension RelaySource: LiveOrigin {}
