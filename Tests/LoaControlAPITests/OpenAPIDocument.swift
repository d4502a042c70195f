import Foundation
import Yams

/// `docs/api/openapi.yaml`, parsed, with the look-ups the conformance tests need.
struct OpenAPIDocument {
    let root: [String: Any]

    init() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/api/openapi.yaml")
        let text = try String(contentsOf: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else { throw DocumentError("not a mapping") }
        self.root = root
    }

    var paths: [String: [String: Any]] { root["paths"] as? [String: [String: Any]] ?? [:] }

    /// "GET /health", … for every operation in the document.
    var operations: Set<String> {
        var result: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "post", "delete", "put", "patch"].contains(method) {
                result.insert("\(method.uppercased()) \(path)")
            }
        }
        return result
    }

    /// The names of the query parameters of one operation.
    func queryParameters(method: String, path: String) -> Set<String> {
        guard let operation = paths[path]?[method.lowercased()] as? [String: Any] else { return [] }
        let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map(resolve)
        return Set(parameters.filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String })
    }

    func schema(_ name: String) -> [String: Any]? {
        ((root["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any]
    }

    /// Follows a `$ref` ("#/components/…/Name") if `node` is one.
    func resolve(_ node: [String: Any]) -> [String: Any] {
        guard let reference = node["$ref"] as? String else { return node }
        var current: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            current = (current as? [String: Any])?[String(part)] ?? [:]
        }
        return resolve(current as? [String: Any] ?? [:])
    }

    /// Every way `value` departs from `schema`: missing or extra keys (every key must be present when `complete`),
    /// wrong JSON types, values outside an enum.
    func mismatches(_ value: JSONValue, _ schema: [String: Any], complete: Bool, at path: String) -> [String] {
        let schema = resolve(schema)
        let type = schema["type"] as? String
        switch (type, value) {
        case ("string", .string(let text)):
            if let cases = schema["enum"] as? [Any], !cases.contains(where: { "\($0)" == text }) {
                return ["\(path): '\(text)' is not one of \(cases)"]
            }
            return []
        case ("integer", .integer), ("number", .integer), ("number", .number), ("boolean", .boolean): return []
        case ("array", .array(let items)):
            let itemSchema = schema["items"] as? [String: Any] ?? [:]
            return items.enumerated().flatMap { mismatches($1, itemSchema, complete: complete, at: "\(path)[\($0)]") }
        case ("object", .object(let fields)):
            if let additional = schema["additionalProperties"] as? [String: Any] {
                return fields.flatMap { mismatches($1, additional, complete: complete, at: "\(path).\($0)") }
            }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            let required = Set(schema["required"] as? [String] ?? [])
            var issues: [String] = []
            for key in fields.keys where properties[key] == nil { issues.append("\(path).\(key): not in the document") }
            let expected = complete ? Set(properties.keys) : required
            for key in expected where fields[key] == nil { issues.append("\(path).\(key): missing from the value") }
            for key in Set(fields.keys).subtracting(required) where !complete {
                issues.append("\(path).\(key): sent although optional and nil (or the document does not require it)")
            }
            for (key, field) in fields {
                if let property = properties[key] {
                    issues += mismatches(field, property, complete: complete, at: "\(path).\(key)")
                }
            }
            return issues
        default:
            return ["\(path): \(value) is not of type \(type ?? "?")"]
        }
    }
}

struct DocumentError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
