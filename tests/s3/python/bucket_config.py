"""Reads a new bucket's configurations with boto3 and prints one JSON document of results."""
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT"],
    region_name="us-east-1",
    aws_access_key_id=os.environ["S3_KEY"],
    aws_secret_access_key="test",
    config=Config(s3={"addressing_style": "path"}),
)
bucket = os.environ["S3_BUCKET"]
s3.create_bucket(Bucket=bucket)


def code(fn):
    try:
        fn()
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]


def body(r):
    return {k: v for k, v in r.items() if k != "ResponseMetadata"}


out = {
    "policy": code(lambda: s3.get_bucket_policy(Bucket=bucket)),
    "policy_status": code(lambda: s3.get_bucket_policy_status(Bucket=bucket)),
    "lifecycle": code(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket)),
    "lifecycle_legacy": code(lambda: s3.get_bucket_lifecycle(Bucket=bucket)),
    "website": code(lambda: s3.get_bucket_website(Bucket=bucket)),
    "replication": code(lambda: s3.get_bucket_replication(Bucket=bucket)),
    "object_lock": code(lambda: s3.get_object_lock_configuration(Bucket=bucket)),
    "public_access_block": code(lambda: s3.get_public_access_block(Bucket=bucket)),
    "encryption": s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"],
    "logging": body(s3.get_bucket_logging(Bucket=bucket)),
    "accelerate": body(s3.get_bucket_accelerate_configuration(Bucket=bucket)),
    "request_payment": s3.get_bucket_request_payment(Bucket=bucket)["Payer"],
    "ownership": s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"],
    "notification": body(s3.get_bucket_notification_configuration(Bucket=bucket)),
    "notification_legacy": body(s3.get_bucket_notification(Bucket=bucket)),
    "delete_policy": s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"],
    "delete_lifecycle": s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"],
    "delete_website": s3.delete_bucket_website(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"],
    "versioning_enabled": code(lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})),
}
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
out["versioning"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
out["missing"] = code(lambda: s3.get_bucket_policy(Bucket=bucket + "-missing"))
print(json.dumps(out))
