import BosunModel
import Testing

/// Counts and ages as operators read them.
@Suite struct CountedTextTests {
    @Test(arguments: [(0, "0 instances"), (1, "1 instance"), (2, "2 instances"), (10_000, "10000 instances")])
    func counts(n: Int, text: String) {
        #expect(counted(n, "instance") == text)
    }

    @Test func irregularPlurals() {
        #expect(counted(1, "policy", plural: "policies") == "1 policy")
        #expect(counted(3, "policy", plural: "policies") == "3 policies")
    }

    @Test(arguments: [(-5.0, "0s"), (0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (86_399, "23h"), (86_400, "1.0d"), (302_400, "3.5d")])
    func ages(seconds: Double, text: String) {
        #expect(ageText(seconds: seconds) == text)
    }
}
