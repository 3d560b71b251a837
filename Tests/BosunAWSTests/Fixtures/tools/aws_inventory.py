#!/usr/bin/env python3
"""What moto holds for one Bosun cluster, read with boto3 (not through Bosun), as JSON:
live instances (id, Name tag, bosun:key, AZ, type, state), volumes (id, size, type, attached
instance, device) and each target group's registered targets.

usage: aws_inventory.py ENDPOINT CLUSTER [TERMINATE_NAME]
With TERMINATE_NAME, first terminates the live instance whose Name tag is that (behind Bosun's back).
"""
import json, sys
import boto3

endpoint, cluster = sys.argv[1], sys.argv[2]
kwargs = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
ec2 = boto3.client("ec2", **kwargs)
elb = boto3.client("elbv2", **kwargs)
live = ["pending", "running", "stopping", "stopped"]
filters = [{"Name": "tag:bosun:cluster", "Values": [cluster]}, {"Name": "instance-state-name", "Values": live}]


def instances():
    out = []
    for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            for i in reservation["Instances"]:
                tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                out.append({"id": i["InstanceId"], "name": tags.get("Name"), "key": tags.get("bosun:key"),
                            "az": i["Placement"]["AvailabilityZone"], "type": i["InstanceType"], "state": i["State"]["Name"]})
    return out


if len(sys.argv) > 3:
    victim = [i["id"] for i in instances() if i["name"] == sys.argv[3]]
    ec2.terminate_instances(InstanceIds=victim)

volumes = []
for page in ec2.get_paginator("describe_volumes").paginate(Filters=[{"Name": "tag:bosun:cluster", "Values": [cluster]}]):
    for v in page["Volumes"]:
        attached = [a for a in v.get("Attachments", []) if a.get("State") != "detached"]
        volumes.append({"id": v["VolumeId"], "size": v["Size"], "type": v["VolumeType"],
                        "instance": attached[0]["InstanceId"] if attached else None,
                        "device": attached[0]["Device"] if attached else None})
targets = {}
for group in elb.describe_target_groups()["TargetGroups"]:
    health = elb.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    targets[group["TargetGroupName"]] = sorted(h["Target"]["Id"] for h in health)
print(json.dumps({"instances": instances(), "volumes": volumes, "targets": targets}))
