import Foundation
import GRDB

/// A moment as the state database stores it: UTC text `yyyy-MM-dd HH:mm:ss.SSS`, the format GRDB
/// gives a `Date`, so stored times compare as text and read back as `Date`.
///
/// Written without a `DateFormatter`: the executor stamps several rows per action, and ICU's
/// formatter cost about 3 % of a large apply's CPU, most of it on the one thread that holds the
/// database's write lock.
public struct StoredTime: Sendable, DatabaseValueConvertible {
    /// The moment.
    public let date: Date

    public init(_ date: Date) { self.date = date }

    /// `interval` seconds later (earlier when negative).
    public func addingTimeInterval(_ interval: TimeInterval) -> StoredTime { StoredTime(date.addingTimeInterval(interval)) }

    /// The stored text, to the nearest millisecond as Foundation's formatter rounds it.
    public var text: String {
        // Whole milliseconds since 1970, computed as Foundation computes ICU's UDate.
        let millis = ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded()
        // Outside 1970–9999 (never a time Bosun stamps) ICU's own rules apply: its calendar is
        // Julian before 1582, and years past 9999 have more digits.
        guard millis.isFinite, millis >= 0, millis < 253_402_300_800_000 else { return Self.formatted(date) }
        let total = Int64(millis)
        let days = total / 86_400_000
        let rest = total % 86_400_000
        let (year, month, day) = Self.civil(fromDays: days)
        let ms = Int(rest % 1000)
        let seconds = Int(rest / 1000)
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at offset: Int, width: Int) {
            var v = value
            for i in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[i] = UInt8(48 + v % 10)
                v /= 10
            }
        }
        put(Int(year), at: 0, width: 4)
        bytes[4] = 45
        put(month, at: 5, width: 2)
        bytes[7] = 45
        put(day, at: 8, width: 2)
        bytes[10] = 32
        put(seconds / 3600, at: 11, width: 2)
        bytes[13] = 58
        put(seconds / 60 % 60, at: 14, width: 2)
        bytes[16] = 58
        put(seconds % 60, at: 17, width: 2)
        bytes[19] = 46
        put(ms, at: 20, width: 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ICU's rendering, for times outside the fast path's range.
    static func formatted(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return f.string(from: date)
    }

    public var databaseValue: DatabaseValue { text.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredTime? {
        Date.fromDatabaseValue(dbValue).map(StoredTime.init)
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
