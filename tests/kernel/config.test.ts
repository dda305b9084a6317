import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnServer, tempDir, type Child } from '../helpers/process.js';
import { newAccountSid, newKeySid, twilioClient } from '../helpers/twilio.js';

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
});

describe('configuration', () => {
  it('a bad flag value exits non-zero naming the key', async () => {
    const r = await runCli(['--port', '70000', '--in-memory']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"port" (env PORT, flag --port)');
    expect(r.stderr).toContain('must be <= 65535');
  });

  it('a bad env value exits non-zero naming the key', async () => {
    const r = await runCli(['--in-memory'], { LOG_LEVEL: 'loud' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"logLevel" (env LOG_LEVEL, flag --log-level)');
  });

  it('an unknown flag and an unknown fixtures key are refused', async () => {
    const unknownFlag = await runCli(['--colour', 'blue']);
    expect(unknownFlag.code).not.toBe(0);
    expect(unknownFlag.stderr).toContain('--colour');
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'port: 0\ntwilio:\n  acounts: []\n');
    const r = await runCli(['--fixtures', file, '--in-memory']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown key "twilio.acounts"');
    writeFileSync(file, 'twilio:\n  accounts:\n    - sid: ACnope\n      auth_token: x\n');
    const r2 = await runCli(['--fixtures', file, '--in-memory']);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain('"twilio.accounts[0].sid"');
  });

  it('--help lists every knob', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['--port', 'PORT', '--public-url', 'DATA_DIR', '--in-memory', '--fixtures', 'TWILIO_DEFAULT_AUTH_TOKEN']) {
      expect(r.stdout).toContain(s);
    }
  });

  it('fixture accounts are strict from the start; env beats the fixtures file', async () => {
    const dir = tempDir();
    const sid = newAccountSid();
    const key = newKeySid();
    const file = join(dir, 'fixtures.yaml');
    writeFileSync(
      file,
      [
        'logLevel: info',
        'twilio:',
        '  defaultAuthToken: from-fixtures',
        '  accounts:',
        `    - sid: ${sid}`,
        '      auth_token: fixture-token',
        '      friendly_name: Acme Realty',
        '      api_keys:',
        `        - sid: ${key}`,
        '          secret: fixture-secret',
      ].join('\n'),
    );
    const srv = await spawnServer(['--fixtures', file, '--in-memory'], { TWILIO_DEFAULT_AUTH_TOKEN: 'from-env' });
    children.push(srv);
    await expect(twilioClient(srv.url, sid, 'first-seen').client.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const ok = twilioClient(srv.url, sid, 'fixture-token').client;
    const acct = await ok.api.v2010.accounts(sid).fetch();
    expect(acct.friendlyName).toBe('Acme Realty');
    await expect(twilioClient(srv.url, key, 'guess', sid).client.messages.list()).rejects.toMatchObject({ status: 401 });
    const viaKey = await twilioClient(srv.url, key, 'fixture-secret', sid).client.messages.create({
      to: '+15551234567',
      from: '+15005550006',
      body: 'hello',
    });
    expect(viaKey.accountSid).toBe(sid);
    // An account first met through an API key gets the default auth token (env wins over fixtures).
    const other = newAccountSid();
    const acct2 = await twilioClient(srv.url, newKeySid(), 's', other).client.api.v2010.accounts(other).fetch();
    expect(acct2.authToken).toBe('from-env');
    const tenants = await (await fetch(`${srv.url}/__inspect/tenants`)).json();
    expect(tenants.items.map((t: any) => t.tenant)).toEqual(expect.arrayContaining([sid, other]));
  });
});

describe('fixtures/example.yaml', () => {
  it('is valid and seeds its strict demo account', async () => {
    const { startSim } = await import('../helpers/server.js');
    const { ROOT } = await import('../helpers/process.js');
    const sim = await startSim({ fixtures: join(ROOT, 'fixtures/example.yaml'), logLevel: 'silent' });
    try {
      const sid = 'AC00000000000000000000000000000001';
      const acct = await twilioClient(sim.url, sid, 'demo-auth-token').client.api.v2010.accounts(sid).fetch();
      expect(acct.friendlyName).toBe('Demo Realty');
      const viaKey = twilioClient(sim.url, 'SK00000000000000000000000000000001', 'demo-api-key-secret', sid).client;
      const m = await viaKey.messages.create({ to: '+15551230000', from: '+15005550006', body: 'seeded' });
      expect(m.accountSid).toBe(sid);
      await expect(twilioClient(sim.url, sid, 'wrong').client.messages.list()).rejects.toMatchObject({ code: 20003 });
    } finally {
      await sim.close();
    }
  });
});

describe('README configuration table', () => {
  it('has one row per knob, with its flag, env var and fixtures key', async () => {
    const { readFileSync } = await import('node:fs');
    const { allKnobs } = await import('../../src/config/index.js');
    const { CONFIG_EXTENSIONS } = await import('../../src/http/registry.js');
    const { ROOT } = await import('../helpers/process.js');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((l) => l.startsWith('| `--'));
    for (const k of allKnobs(CONFIG_EXTENSIONS)) {
      const row = rows.find((r) => r.startsWith(`| \`--${k.flag}\` |`));
      expect(row, `README row for --${k.flag}`).toBeDefined();
      expect(row).toContain(`\`${k.env}\``);
      if (k.key !== 'fixtures') expect(row).toContain(`\`${k.key}\``);
    }
  });
});
