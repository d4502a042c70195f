import Yams

extension ConfigurationError {
    /// A problem with the value at `node`, naming its line.
    init(path: String, at node: Node, _ problem: String) {
        self.init(path: path, line: node.mark?.line, problem: problem)
    }
}

/// A name the office types in commands and URLs (an input, an emergency preset): 1 to `maximum` ASCII letters,
/// digits, '-' and '_'.
func isPlainName(_ name: String, maximum: Int) -> Bool {
    !name.isEmpty && name.count <= maximum
        && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
}

extension Node {
    /// The node as a whole number in `range`; else an error naming `key`, the range and the line.
    func wholeNumber(_ key: String, in range: ClosedRange<Int>, path: String) throws(ConfigurationError) -> Int {
        guard let number = int, range.contains(number) else {
            throw ConfigurationError(
                path: path, at: self,
                "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
