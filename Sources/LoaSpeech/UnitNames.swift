/// The units written after a number in notices, and how each is read.
///
/// A unit is recognised only right after a number (`5 km`, `37,5°C`, `50%`), so "m" or "g" in ordinary words
/// are never touched.
enum UnitNames {
    static let spoken: [String: String] = [
        "km": "ki lô mét", "m": "mét", "cm": "xen ti mét", "mm": "mi li mét", "ha": "héc ta",
        "kg": "ki lô gam", "g": "gam", "mg": "mi li gam", "l": "lít", "ml": "mi li lít",
        "m2": "mét vuông", "m²": "mét vuông", "km2": "ki lô mét vuông", "km²": "ki lô mét vuông",
        "m3": "mét khối", "m³": "mét khối", "°C": "độ xê", "ºC": "độ xê", "%": "phần trăm",
        "km/h": "ki lô mét một giờ", "m/s": "mét trên giây", "mm/h": "mi li mét một giờ",
        "kW": "ki lô oát", "kWh": "ki lô oát giờ", "MW": "mê ga oát", "V": "vôn",
        "đ": "đồng", "VNĐ": "đồng", "VND": "đồng",
    ]

    /// Units longest first, so `km/h` wins over `km` and `km` over `m`.
    static let longestFirst: [String] = spoken.keys.sorted { $0.count > $1.count }
}
