import Foundation
import Testing

@testable import LoaController

/// Thiết bị's map: coordinates as a phone gives them, and boxes drawn north up, to scale, fitted in the picture.
@Suite("Box map")
struct BoxMapTests {
    @Test func coordinatesAreReadAsLatitudeThenLongitude() {
        #expect(Position("21.0285, 105.8542") == Position(latitude: 21.0285, longitude: 105.8542))
        #expect(Position("21.0285 105.8542") == Position(latitude: 21.0285, longitude: 105.8542))
        #expect(Position("21,0285 105,8542") == nil)
        #expect(Position("91, 105") == nil)
        #expect(Position("hà nội") == nil)
        #expect(Position(latitude: 21.0285, longitude: 105.8542).text == "21.02850, 105.85420")
    }

    @Test func boxesAreDrawnNorthUpToScaleInsideThePicture() {
        // Three poles along a road: 1 km east, then 1 km north (1 km is ~0.009 degrees of latitude).
        let north = 0.008983
        let east = north / cos(21.0285 * .pi / 180)
        let map = BoxMap(
            [
                ("a", "a", "ok", Position(latitude: 21.0285, longitude: 105.8542)),
                ("b", "b", "ok", Position(latitude: 21.0285, longitude: 105.8542 + east)),
                ("c", "c", "down", Position(latitude: 21.0285 + north, longitude: 105.8542 + east)),
            ], width: 640, height: 360)
        let (a, b, c) = (map.pins[0], map.pins[1], map.pins[2])
        #expect(b.x > a.x && abs(b.y - a.y) < 0.01, "east is to the right")
        #expect(c.y < b.y && abs(c.x - b.x) < 0.01, "north is up")
        // The same distance east and north is the same length on the map.
        #expect(abs((b.x - a.x) - (b.y - c.y)) < 1, "\(b.x - a.x) vs \(b.y - c.y)")
        #expect(map.pins.allSatisfy { (0...640).contains($0.x) && (0...360).contains($0.y) })
        #expect(map.metresAcross > 1000 && map.metresAcross < 5000, "\(map.metresAcross)")
        #expect(
            BoxMap([("a", "a", "ok", Position(latitude: 21, longitude: 105))], width: 640, height: 360).pins[0].x == 320
        )
        #expect(BoxMap([], width: 640, height: 360).pins.isEmpty)
    }
}

/// Over a commune map image: its corners as coordinates, and boxes drawn where they fall on it.
@Suite("Box map over an image")
struct BoxMapImageTests {
    @Test func cornersMustBeNorthWestThenSouthEast() {
        #expect(
            MapBounds(topLeft: "21.04, 105.84", bottomRight: "21.02, 105.87")
                == MapBounds(north: 21.04, west: 105.84, south: 21.02, east: 105.87))
        #expect(MapBounds(topLeft: "21.02, 105.84", bottomRight: "21.04, 105.87") == nil)
        #expect(MapBounds(topLeft: "21.04, 105.87", bottomRight: "21.02, 105.84") == nil)
        #expect(MapBounds(topLeft: "bắc", bottomRight: "21.02, 105.87") == nil)
    }

    @Test func boxesFallWhereTheirCoordinatesAreOnTheImage() {
        let bounds = MapBounds(north: 21.04, west: 105.84, south: 21.02, east: 105.87)
        let map = BoxMap(
            [
                ("centre", "c", "ok", Position(latitude: 21.03, longitude: 105.855)),
                ("corner", "n", "ok", Position(latitude: 21.04, longitude: 105.84)),
                ("outside", "o", "down", Position(latitude: 21.10, longitude: 105.90)),
            ], over: bounds, width: 640, height: 360)
        #expect(abs(map.pins[0].x - 320) < 0.01 && abs(map.pins[0].y - 180) < 0.01)
        #expect(map.pins[1].x == 0 && map.pins[1].y == 0)
        #expect(map.pins[2].x == 640 && map.pins[2].y == 0, "kept inside the picture")
        #expect(map.metresAcross > 3000 && map.metresAcross < 3200, "\(map.metresAcross)")
    }
}
