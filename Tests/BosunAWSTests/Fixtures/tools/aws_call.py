#!/usr/bin/env python3
"""One boto3 call against ENDPOINT (us-east-1, test credentials), printed as JSON.

usage: aws_call.py ENDPOINT SERVICE METHOD '{"Param": ...}'
"""
import json, sys
import boto3

endpoint, service, method, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
client = boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
answer = getattr(client, method)(**params)
answer.pop("ResponseMetadata", None)
print(json.dumps(answer, default=str))
