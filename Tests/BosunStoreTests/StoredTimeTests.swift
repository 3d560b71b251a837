@testable import BosunStore
import Foundation
import GRDB
import Testing

/// The database's times are written without a `DateFormatter`; they must be the very text
/// GRDB's formatter writes, or a view comparing times as text would order them wrongly.
@Suite struct StoredTimeTests {
    /// GRDB's own rendering of a `Date` (its `storageDateFormatter`).
    private func grdbText(_ date: Date) -> String {
        guard case .string(let text) = date.databaseValue.storage else { return "not text" }
        return text
    }

    @Test func matchesGRDBsFormatterToTheMillisecond() {
        var rng = SystemRandomNumberGenerator()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999),  // 2100-02-28 23:59:59.999
            Date(timeIntervalSince1970: 1_795_000_000.9995), Date(timeIntervalSince1970: 1_795_000_000.0005),
            Date(timeIntervalSince1970: 253_402_300_799.999),  // 9999-12-31 23:59:59.999
        ]
        // Random, not seeded: a failure prints the time itself, which is all it takes to replay.
        for _ in 0..<20_000 {
            // Whole milliseconds, and times just either side of one (where rounding shows).
            let millis = Double(UInt64.random(in: 0..<253_402_300_799_000, using: &rng))
            let nudge = [0, 0.0000001, -0.0000001, 0.0004999, 0.0005001, 0.0009999].randomElement(using: &rng)!
            dates.append(Date(timeIntervalSince1970: millis / 1000 + nudge))
        }
        for date in dates {
            let text = StoredTime(date).text
            #expect(text == grdbText(date), "\(date.timeIntervalSince1970)")
            if text != grdbText(date) { break }
        }
    }

    @Test func timesOutsideTheFastRangeAreICUsToo() {
        for seconds in [-1.0, -86_400 * 365.25 * 500, 253_402_300_800, 300_000_000_000] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoredTime(date).text == grdbText(date), "\(seconds)")
        }
    }

    @Test func readsBackAsTheSameMillisecond() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_123.456)
        let back = try #require(StoredTime.fromDatabaseValue(StoredTime(date).databaseValue))
        #expect(abs(back.date.timeIntervalSince1970 - 1_795_000_123.456) < 0.0005)
        #expect(Store.databaseTime(date) == "2026-11-18 11:08:43.456")
    }
}
