import Foundation

/// Where a box stands: latitude and longitude in degrees (WGS 84, as a phone's GPS gives them).
struct Position: Equatable, Sendable {
    var latitude: Double
    var longitude: Double

    /// "21.0285, 105.8542" (also with ';' or spaces between): nil unless two numbers in range.
    init?(_ text: String) {
        let numbers = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map { Double($0) }
        guard numbers.count == 2, let latitude = numbers[0], let longitude = numbers[1], (-90...90).contains(latitude),
            (-180...180).contains(longitude)
        else { return nil }
        self.init(latitude: latitude, longitude: longitude)
    }

    init(latitude: Double, longitude: Double) {
        (self.latitude, self.longitude) = (latitude, longitude)
    }

    var text: String { String(format: "%.5f, %.5f", latitude, longitude) }
}

/// The edges of a commune map image: the latitudes of its top and bottom, the longitudes of its left and right.
struct MapBounds: Equatable, Sendable {
    var north: Double
    var west: Double
    var south: Double
    var east: Double

    /// From the image's top-left and bottom-right corners as coordinates (`Position`); nil unless the first is
    /// north-west of the second.
    init?(topLeft: String, bottomRight: String) {
        guard let a = Position(topLeft), let b = Position(bottomRight), a.latitude > b.latitude,
            a.longitude < b.longitude
        else { return nil }
        self.init(north: a.latitude, west: a.longitude, south: b.latitude, east: b.longitude)
    }

    init(north: Double, west: Double, south: Double, east: Double) {
        (self.north, self.west, self.south, self.east) = (north, west, south, east)
    }
}

/// The boxes placed on a plain map: their positions projected onto a `width` × `height` picture (equirectangular,
/// east-west distances shrunk by the cosine of the latitude, so that a commune a few km across keeps its shape),
/// north up, with a margin, the whole fitted and centred. Pure: the page draws it as SVG (no online tiles).
struct BoxMap {
    struct Pin: Equatable {
        var id: String
        var name: String
        var css: String
        var x: Double
        var y: Double
    }

    var pins: [Pin]
    /// The map's width on the ground in metres (for its scale line), 0 with a single box.
    var metresAcross: Double

    /// Over a commune map image whose edges are `bounds`: each box where its coordinates fall on the image
    /// (stretched to `width` × `height`, as the page draws it), kept inside the picture.
    init(
        _ boxes: [(id: String, name: String, css: String, position: Position)], over bounds: MapBounds, width: Double,
        height: Double
    ) {
        pins = boxes.map { box in
            let x = (box.position.longitude - bounds.west) / (bounds.east - bounds.west) * width
            let y = (bounds.north - box.position.latitude) / (bounds.north - bounds.south) * height
            return Pin(id: box.id, name: box.name, css: box.css, x: min(max(x, 0), width), y: min(max(y, 0), height))
        }
        metresAcross = (bounds.east - bounds.west) * 111_320 * cos((bounds.north + bounds.south) / 2 * .pi / 180)
    }

    init(_ boxes: [(id: String, name: String, css: String, position: Position)], width: Double, height: Double) {
        guard !boxes.isEmpty else {
            (pins, metresAcross) = ([], 0)
            return
        }
        let latitudes = boxes.map(\.position.latitude)
        let longitudes = boxes.map(\.position.longitude)
        let middle = (latitudes.min()! + latitudes.max()!) / 2
        let shrink = cos(middle * .pi / 180)
        // Degrees of latitude and shrunk degrees of longitude are the same length on the ground.
        let xs = longitudes.map { $0 * shrink }
        let (left, top) = (xs.min()!, latitudes.max()!)
        let spanX = max(xs.max()! - left, 1e-6)
        let spanY = max(top - latitudes.min()!, 1e-6)
        let margin = 0.1
        let scale = min(width * (1 - 2 * margin) / spanX, height * (1 - 2 * margin) / spanY)
        let (offsetX, offsetY) = ((width - spanX * scale) / 2, (height - spanY * scale) / 2)
        pins = boxes.indices.map { index in
            let box = boxes[index]
            let single = boxes.count == 1
            return Pin(
                id: box.id, name: box.name, css: box.css,
                x: single ? width / 2 : offsetX + (xs[index] - left) * scale,
                y: single ? height / 2 : offsetY + (top - latitudes[index]) * scale)
        }
        metresAcross = boxes.count == 1 ? 0 : width / scale * 111_320
    }
}
