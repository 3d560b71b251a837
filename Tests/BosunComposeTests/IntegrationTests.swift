import BosunCompose
import Testing

// go-patch integration_test.go, end to end through YAML text.

@Test func goPatchIntegrationScenario() throws {
    let input = try yaml("""
    releases:
    - name: capi
      version: 0.1

    instance_groups:
    - name: foo

    - name: cloud_controller
      instances: 0
      jobs:
      - name: cloud_controller
        release: capi

    - name: uaa
      instances: 0
    """)
    let ops1 = try OpsFile.parse("""
    - type: replace
      path: /instance_groups/name=cloud_controller/instances
      value: 1

    - type: replace
      path: /instance_groups/name=cloud_controller/jobs/name=cloud_controller/consumes?/db
      value:
        instances:
        - address: some-db.local
        properties:
          username: user
          password: pass

    - type: test
      path: /instance_groups/name=uaa/instances-not
      absent: true

    # check current value
    - type: test
      path: /instance_groups/name=uaa/instances
      value: 0

    - type: replace
      path: /instance_groups/name=uaa/instances
      value: 1

    - type: replace
      path: /instance_groups/-
      value:
        name: uaadb
        instances: 2

    # check what was appended above
    - type: test
      path: /instance_groups/3
      value:
        name: uaadb
        instances: 2

    - type: replace
      path: /instance_groups/name=cloud_controller:before
      value:
        name: cc-before
        instances: 2

    - type: replace
      path: /instance_groups/name=cloud_controller:after
      value:
        name: cc-after
        instances: 1

    - type: replace
      path: /instance_groups/name=uaadb:after
      value:
        name: uaadb-after
        instances: 1

    - type: replace
      path: /instance_groups/name=uaadb:next/instances
      value: 4
    """)
    let ops2 = try OpsFile.parse("""
    - type: replace
      path: /releases/name=capi/version
      value: latest
    """)
    let expected = try yaml("""
    releases:
    - name: capi
      version: latest

    instance_groups:
    - name: foo

    - name: cc-before
      instances: 2

    - name: cloud_controller
      instances: 1
      jobs:
      - name: cloud_controller
        release: capi
        consumes:
          db:
            instances:
            - address: some-db.local
            properties:
              username: user
              password: pass

    - name: cc-after
      instances: 1

    - name: uaa
      instances: 1

    - name: uaadb
      instances: 2

    - name: uaadb-after
      instances: 4
    """)
    #expect(try (ops1 + ops2).apply(to: input) == expected)
}

@Test func goPatchIntegrationFind() throws {
    let input = try yaml("""
    instance_groups:
    - name: cloud_controller
      instances: 0
      jobs:
      - name: cloud_controller
        release: capi
    - name: uaa
      instances: 0
    """)
    let expected = try yaml("""
    name: cloud_controller
    instances: 0
    jobs:
    - name: cloud_controller
      release: capi
    """)
    #expect(try find("/instance_groups/name=cloud_controller", in: input) == expected)
}

@Test func goPatchIntegrationErrorMessages() throws {
    let input = try yaml("releases:\n- name: capi\n  version: 0.1\n")
    let custom = try OpsFile.parse("- type: remove\n  path: /releases/0/not-there\n  error: \"Custom error message\"\n")
    #expect(failure { try custom.apply(to: input) } == "Error 'Custom error message': Expected to find a map key 'not-there' for path '/releases/0/not-there' (found map keys: 'name', 'version')")
    let test = try OpsFile.parse("- type: test\n  path: /releases/0\n  absent: true\n")
    #expect(failure { try test.apply(to: input) } == "Expected to not find '/releases/0'")
}
