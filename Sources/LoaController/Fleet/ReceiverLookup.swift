import LoaWire

/// Why a receiver could not be found, or a name could not be given: one line for the broadcaster.
package enum ReceiverLookupError: Error, Equatable, Sendable {
    /// No receiver has this id, name or id prefix.
    case unknown(String)
    /// Several receivers match: their names and ids.
    case ambiguous(String, candidates: [String])
    /// Another receiver already has this name.
    case nameTaken(String, holder: String)

    package var message: String {
        switch self {
        case .unknown(let text): return "no receiver '\(text)'; 'loa receivers' lists them"
        case .ambiguous(let text, let candidates):
            return "'\(text)' matches \(candidates.count) receivers (\(candidates.joined(separator: ", "))): "
                + "give more of the id, or a name"
        case .nameTaken(let name, let holder):
            return "the name '\(name)' is taken by receiver \(holder); choose another or rename that one first"
        }
    }
}

/// The rules for naming boxes and finding them by what a person types. Pure functions over the records.
///
/// Contract:
/// - A look-up tries, in this order: the full 16-digit id; a name (exactly, case-sensitive); a prefix of at least
///   4 hex digits of the id (case-insensitive). The first rule that matches one receiver wins; a rule that matches
///   several refuses (naming them), never picks one.
/// - A name is unique among all receivers: giving a receiver a name another one has is refused.
package enum ReceiverLookup {
    package static func find(_ text: String, in records: [ReceiverRecord]) throws(ReceiverLookupError) -> ReceiverRecord
    {
        if let id = ReceiverID(text.lowercased()), let record = records.first(where: { $0.id == id }) { return record }
        let named = records.filter { $0.name == text }
        if named.count == 1 { return named[0] }
        if named.count > 1 { throw .ambiguous(text, candidates: describe(named)) }
        let lowered = text.lowercased()
        guard lowered.count >= 4, lowered.allSatisfy(\.isHexDigit) else { throw .unknown(text) }
        let prefixed = records.filter { $0.id.text.hasPrefix(lowered) }
        if prefixed.count == 1 { return prefixed[0] }
        if prefixed.count > 1 { throw .ambiguous(text, candidates: describe(prefixed)) }
        throw .unknown(text)
    }

    /// Refuses `name` for `receiver` if another record already has it.
    package static func checkName(_ name: String, for receiver: ReceiverID, in records: [ReceiverRecord])
        throws(ReceiverLookupError)
    {
        if let holder = records.first(where: { $0.name == name && $0.id != receiver }) {
            throw .nameTaken(name, holder: holder.id.text)
        }
    }

    private static func describe(_ records: [ReceiverRecord]) -> [String] {
        records.sorted { $0.id < $1.id }.map { $0.name + " " + $0.id.text }
    }
}
