"""Drives the simulator with boto3 and prints one JSON document of results."""
import hashlib
import io
import json
import os
import sys
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = os.environ["S3_ENDPOINT"]
key = os.environ["S3_KEY"]
bucket = os.environ["S3_BUCKET"]
out = {}


def client(**cfg):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=os.environ.get("S3_SECRET", "test"),
        config=Config(s3={"addressing_style": "path"}, **cfg),
    )


def code(fn):
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


s3 = client()
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="py/hello.txt", Body=b"hello from boto3", ContentType="text/plain", Metadata={"lang": "python"})
got = s3.get_object(Bucket=bucket, Key="py/hello.txt", ChecksumMode="ENABLED")
out["get"] = {"body": got["Body"].read().decode(), "meta": got["Metadata"], "type": got["ContentType"], "crc32": got.get("ChecksumCRC32")}

for name in ["py/a b+c.txt", "py/ünï.txt", "py/x//y/../z"]:
    s3.put_object(Bucket=bucket, Key=name, Body=name.encode())
raw = s3.list_objects_v2(Bucket=bucket, Prefix="py/", EncodingType="url")
out["raw_encoded_keys"] = [o["Key"] for o in raw.get("Contents", [])]
listing = s3.list_objects_v2(Bucket=bucket, Prefix="py/")
out["encoded_keys"] = [o["Key"] for o in listing.get("Contents", [])]
pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="py/", PaginationConfig={"PageSize": 1})
out["paged_keys"] = [o["Key"] for p in pages for o in p.get("Contents", [])]

# multipart through the transfer manager: 12 MiB in 5 MiB parts, concurrently
data = bytes(range(256)) * (12 * 1024 * 4)
s3.upload_fileobj(io.BytesIO(data), bucket, "py/big.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4))
buf = io.BytesIO()
s3.download_fileobj(bucket, "py/big.bin", buf)
out["multipart"] = {"same": buf.getvalue() == data, "etag": s3.head_object(Bucket=bucket, Key="py/big.bin")["ETag"]}

# presigned URLs: SigV2 by default (AWSAccessKeyId/Signature/Expires) and SigV4
url_v2 = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "py/hello.txt"}, ExpiresIn=60)
out["presign_v2_kind"] = "AWSAccessKeyId=" in url_v2
out["presign_v2_body"] = urllib.request.urlopen(url_v2).read().decode()
v4 = client(signature_version="s3v4")
url_v4 = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "py/hello.txt"}, ExpiresIn=60)
out["presign_v4_body"] = urllib.request.urlopen(url_v4).read().decode()
expired = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "py/hello.txt"}, ExpiresIn=-10)
try:
    urllib.request.urlopen(expired)
    out["expired"] = "accepted"
except urllib.error.HTTPError as e:
    out["expired"] = [e.code, e.read().decode()]

# SigV2 header auth (signature_version='s3')
v2 = client(signature_version="s3")
v2.put_object(Bucket=bucket, Key="py/v2.txt", Body=b"signed with v2")
out["v2_get"] = v2.get_object(Bucket=bucket, Key="py/v2.txt")["Body"].read().decode()
out["v2_list"] = len(v2.list_objects(Bucket=bucket, Prefix="py/v2")["Contents"])

# checksums
s3.put_object(Bucket=bucket, Key="py/sha.txt", Body=b"sha", ChecksumAlgorithm="SHA256")
out["sha256"] = s3.head_object(Bucket=bucket, Key="py/sha.txt", ChecksumMode="ENABLED").get("ChecksumSHA256")
# botocore retries BadDigest (as for real S3): one attempt is enough here
out["md5_bad"] = code(lambda: client(retries={"max_attempts": 1}).put_object(Bucket=bucket, Key="py/bad", Body=b"x", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg=="))

# delete_objects, copy, tagging
s3.copy_object(Bucket=bucket, Key="py/copy.txt", CopySource={"Bucket": bucket, "Key": "py/a b+c.txt"})
out["copy"] = s3.get_object(Bucket=bucket, Key="py/copy.txt")["Body"].read().decode()
deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "py/copy.txt"}, {"Key": "py/v2.txt"}]})
out["deleted"] = sorted(d["Key"] for d in deleted["Deleted"])
out["missing"] = code(lambda: s3.head_object(Bucket=bucket, Key="py/copy.txt"))
out["bad_secret"] = code(lambda: boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key="nope", config=Config(s3={"addressing_style": "path"})).list_buckets())
versions = s3.list_object_versions(Bucket=bucket, Prefix="py/hello")
out["versions"] = [[v["Key"], v["VersionId"]] for v in versions.get("Versions", [])]
json.dump(out, sys.stdout)
