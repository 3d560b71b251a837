import Foundation
import Testing

/// `bosun render` through the real binary, like `bosh interpolate`: ops in order, -v beats -l,
/// later files win, types kept, --var-errs listing every missing name, --path, errors on stderr.
@Suite struct RenderCLITests {
    let dir: String

    init() throws { dir = try tempDirectory() }

    func write(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func render(_ args: [String]) throws -> BosunProcess.Result { try BosunProcess.run(["render"] + args) }

    @Test func opsThenVariablesWithBoshPrecedenceAndKeyOrder() throws {
        let base = try write("base.yml", """
            name: ((name))
            instance_groups:
            - name: master
              instances: ((count))
              networks: [{name: default}]
            - name: worker
              instances: 2
            tags: {team: ((team)), note: "owner: ((team))-x"}

            """)
        let ops = try write("ops.yml", """
            - type: replace
              path: /instance_groups/name=worker/instances
              value: ((workers))
            - type: replace
              path: /instance_groups/name=master/networks/0/static_ips?
              value: [10.0.0.1]
            - type: remove
              path: /tags/note

            """)
        let vars1 = try write("vars1.yml", "name: from-file-1\ncount: 1\nteam: core\n")
        let vars2 = try write("vars2.yml", "name: from-file-2\nworkers: 7\n")
        let r = try render([base, "-o", ops, "-l", vars1, "-l", vars2, "-v", "count=3"])
        #expect(r.status == 0, "\(r.stderr)")
        // Keys sorted as bosh prints them; -v beat -l, the later -l won, integers stay integers.
        #expect(r.stdout == """
            instance_groups:
            - instances: 3
              name: master
              networks:
              - name: default
                static_ips:
                - 10.0.0.1
            - instances: 7
              name: worker
            name: from-file-2
            tags:
              team: core

            """, "\(r.stdout)")
        let kept = try render([base, "-o", ops, "-l", vars1, "-l", vars2, "--keep-order"])
        #expect(kept.stdout.hasPrefix("name: from-file-2\ninstance_groups:\n"), "\(kept.stdout)")
        let path = try render([base, "-l", vars1, "--path", "/instance_groups/name=master/instances"])
        #expect(path.status == 0 && path.stdout == "1\n", "\(path.stdout)")
    }

    @Test func missingVariablesStayUnlessVarErrsWhichListsThemAll() throws {
        let base = try write("m.yml", "a: ((one))\nb: ((two))\nc: ((three.key))\nd: plain\n")
        let lenient = try render([base, "-v", "one=1"])
        #expect(lenient.status == 0 && lenient.stdout == "a: 1\nb: ((two))\nc: ((three.key))\nd: plain\n", "\(lenient.stdout)")
        let strict = try render([base, "-v", "one=1", "--var-errs"])
        #expect(strict.status == 1 && strict.stdout.isEmpty)
        #expect(strict.stderr.contains("Expected to find variables:") && strict.stderr.contains("- three") && strict.stderr.contains("- two"), "\(strict.stderr)")
        // Inside a longer string only strings and integers: a mapping is an error.
        let inside = try render([try write("s.yml", "a: x-((m))\n"), "-l", try write("mv.yml", "m: {k: v}\n")])
        #expect(inside.status == 1 && inside.stderr.contains("Supported types for interpolation within a string are integers and strings"), "\(inside.stderr)")
    }

    @Test func aFailingOpIsAnErrorNamingThePathAndWhatWasFound() throws {
        let base = try write("b.yml", "groups: [{name: a}]\n")
        let ops = try write("bad.yml", "- type: replace\n  path: /groups/name=b/size\n  value: 3\n")
        let r = try render([base, "-o", ops])
        #expect(r.status == 1 && r.stdout.isEmpty)
        #expect(r.stderr.contains("Expected to find exactly one matching array item for path '/groups/name=b' but found 0"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.yml"), "names the ops file: \(r.stderr)")
        let missing = try render([dir + "/nope.yml"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read \(dir)/nope.yml"), "\(missing.stderr)")
    }

    @Test func specPrintsTheComposedSpecOfAClusterFile() throws {
        let fleet = BosunProcess.root.appendingPathComponent("specs/fleet").path
        let r = try render(["--spec", fleet + "/staging.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("name: staging\n") && r.stdout.contains("loadBalancer: staging-api") && r.stdout.contains("size: 10GiB"))
        #expect(r.stdout.contains("tls: ((tls-etcdctl))"), "generated credentials stay references")
        let plain = try render(["--spec", BosunProcess.root.appendingPathComponent("specs/demo.yaml").path])
        #expect(plain.status == 1 && plain.stderr.contains("has no base: key"))
        // Every example cluster file of the fleet validates.
        let validate = try BosunProcess.run(["validate"] + ["east", "west", "staging"].map { "\(fleet)/\($0).yaml" })
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }
}
