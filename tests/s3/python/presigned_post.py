"""Browser-style uploads through boto3's generate_presigned_post (SigV2 and SigV4 policies)."""
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.config import Config

endpoint = os.environ["S3_ENDPOINT"]
key = os.environ["S3_KEY"]
bucket = os.environ["S3_BUCKET"]


def client(**cfg):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}, **cfg))


def post(form, filename, content, extra=None):
    boundary = uuid.uuid4().hex
    fields = dict(form["fields"], **(extra or {}))
    body = b""
    for k, v in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    body += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(form["url"], data=body, method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req) as r:
            return [r.status, r.read().decode()]
    except urllib.error.HTTPError as e:
        return [e.code, e.read().decode()]


s3 = client()
s3.create_bucket(Bucket=bucket)
out = {}
v2 = s3.generate_presigned_post(bucket, "uploads/${filename}", Conditions=[["starts-with", "$key", "uploads/"], ["content-length-range", 1, 100]], ExpiresIn=60)
out["v2_kind"] = "AWSAccessKeyId" in v2["fields"]
out["v2"] = post(v2, "a b.txt", b"posted with v2")
out["v2_too_big"] = post(v2, "big.txt", b"x" * 101)
v4 = client(signature_version="s3v4").generate_presigned_post(
    bucket, "v4/file.txt", Fields={"success_action_status": "201"}, Conditions=[{"success_action_status": "201"}], ExpiresIn=60)
out["v4"] = post(v4, "ignored.txt", b"posted with v4")
out["v4_extra_field"] = post(v4, "ignored.txt", b"x", {"x-amz-meta-sneaky": "1"})
tampered = dict(v4, fields=dict(v4["fields"], key="elsewhere.txt"))
out["v4_tampered_key"] = post(tampered, "x.txt", b"x")
out["get"] = s3.get_object(Bucket=bucket, Key="uploads/a b.txt")["Body"].read().decode()
expired = s3.generate_presigned_post(bucket, "late.txt", ExpiresIn=-5)
out["expired"] = post(expired, "late.txt", b"late")
json.dump(out, sys.stdout)
