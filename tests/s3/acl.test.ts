import {
  CreateBucketCommand,
  GetBucketAclCommand,
  GetObjectAclCommand,
  PutBucketAclCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { newAccessKey, newBucket, s3Client } from '../helpers/s3.js';
import { startSim } from '../helpers/server.js';

async function fails(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

describe('S3 ACLs: Get/PutObjectAcl and Get/PutBucketAcl', () => {
  let sim: RunningServer;
  let s3: S3Client;
  const tenant = newAccessKey();
  const bucket = newBucket('acl');

  beforeAll(async () => {
    sim = await startSim();
    s3 = s3Client(sim, tenant);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.txt', Body: 'hello acl' }));
  });
  afterAll(async () => {
    s3.destroy();
    await sim.close();
  });

  it('an object starts private: the owner has FULL_CONTROL, anonymous reads are denied', async () => {
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'a.txt' }));
    expect(acl.Owner?.DisplayName).toBe(tenant);
    expect(acl.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(acl.Grants).toEqual([{ Grantee: { Type: 'CanonicalUser', ID: acl.Owner!.ID, DisplayName: tenant }, Permission: 'FULL_CONTROL' }]);
    expect((await fetch(`${sim.url}/${bucket}/a.txt`)).status).toBe(403);
    expect((await fetch(`${sim.url}/${bucket}/a.txt?acl`)).status).toBe(403);
  });

  it('canned ACL, grant headers and an AccessControlPolicy document each open or close the object', async () => {
    const anonymous = async () => (await fetch(`${sim.url}/${bucket}/a.txt`)).status;
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', ACL: 'public-read' }));
    expect(await anonymous()).toBe(200);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'a.txt' }));
    expect(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI ?? g.Grantee?.ID, g.Permission])).toEqual([
      ['CanonicalUser', acl.Owner!.ID, 'FULL_CONTROL'],
      ['Group', ALL_USERS, 'READ'],
    ]);

    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', ACL: 'private' }));
    expect(await anonymous()).toBe(403);

    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', GrantRead: `uri="${ALL_USERS}"` }));
    expect(await anonymous()).toBe(200);

    await s3.send(
      new PutObjectAclCommand({
        Bucket: bucket,
        Key: 'a.txt',
        AccessControlPolicy: { Owner: acl.Owner, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: acl.Owner!.ID }, Permission: 'FULL_CONTROL' }] },
      }),
    );
    expect(await anonymous()).toBe(403);
    await s3.send(
      new PutObjectAclCommand({
        Bucket: bucket,
        Key: 'a.txt',
        AccessControlPolicy: { Owner: acl.Owner, Grants: [...acl.Grants!] },
      }),
    );
    expect(await anonymous()).toBe(200);
    const body = await fetch(`${sim.url}/${bucket}/a.txt`);
    expect(await body.text()).toBe('hello acl');
  });

  it("S3's errors: canned plus grant headers, a malformed document, a missing key or bucket", async () => {
    const both = await fails(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', ACL: 'public-read', GrantRead: `uri="${ALL_USERS}"` })));
    expect(both.name).toBe('InvalidRequest');
    const malformed = await fails(
      s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', AccessControlPolicy: { Grants: [{ Grantee: { Type: 'Group', URI: ALL_USERS } }] } })),
    );
    expect(malformed.name).toBe('MalformedACLError');
    expect(malformed.$metadata.httpStatusCode).toBe(400);
    const badCanned = await fails(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'a.txt', ACL: 'everyone' as never })));
    expect(badCanned.name).toBe('InvalidArgument');
    expect((await fails(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'missing' })))).name).toBe('NoSuchKey');
    expect((await fails(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'missing', ACL: 'public-read' })))).name).toBe('NoSuchKey');
    expect((await fails(s3.send(new GetBucketAclCommand({ Bucket: newBucket('none') })))).name).toBe('NoSuchBucket');
  });

  it('PutBucketAcl public-read lets anonymous clients list and read the bucket', async () => {
    const b = newBucket('acl-b');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k.txt', Body: 'in a public bucket' }));
    expect((await fetch(`${sim.url}/${b}/`)).status).toBe(403);
    await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'public-read' }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: b }));
    expect(acl.Grants?.map((g) => [g.Grantee?.Type, g.Permission])).toEqual([
      ['CanonicalUser', 'FULL_CONTROL'],
      ['Group', 'READ'],
    ]);
    const list = await fetch(`${sim.url}/${b}/`);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('<Key>k.txt</Key>');
    expect(await (await fetch(`${sim.url}/${b}/k.txt`)).text()).toBe('in a public bucket');
    await s3.send(new PutBucketAclCommand({ Bucket: b, ACL: 'private' }));
    expect((await fetch(`${sim.url}/${b}/`)).status).toBe(403);
  });
});
