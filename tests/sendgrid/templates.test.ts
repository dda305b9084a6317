import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/http/server.js';
import { failure, newApiKey, sendgrid } from '../helpers/sendgrid.js';
import { startSim } from '../helpers/server.js';

const FIXTURE_ID = 'd-' + 'f1'.repeat(16);
let sim: RunningServer;
beforeAll(async () => {
  sim = await startSim({
    'sendgrid.templates': [
      {
        id: FIXTURE_ID,
        name: 'Welcome (fixture)',
        generation: 'dynamic',
        versions: [{ name: 'v1', subject: 'Welcome {{first_name}}', html_content: '<p>Hi {{first_name}}</p>', active: 1 }],
      },
    ],
  });
});
afterAll(async () => {
  await sim?.close();
});

async function inspect(query: string): Promise<any[]> {
  return ((await (await fetch(`${sim.url}/__inspect/sendgrid/messages?${query}`)).json()) as { items: any[] }).items;
}

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('/v3/templates with @sendgrid/client', () => {
  const { client, mail } = sendgrid(sim?.url ?? '', newApiKey());
  const api = () => {
    client.setDefaultRequest('baseUrl', sim.url);
    return client;
  };
  let dynamicId = '';
  let legacyId = '';
  let v1 = '';
  let v2 = '';

  it('creates dynamic and legacy templates with SendGrid ids', async () => {
    const [res, body] = await api().request({ method: 'POST', url: '/v3/templates', body: { name: 'Receipt', generation: 'dynamic' } });
    expect(res.statusCode).toBe(201);
    expect(body).toEqual({ id: expect.stringMatching(/^d-[0-9a-f]{32}$/), name: 'Receipt', generation: 'dynamic', updated_at: expect.stringMatching(DATE), versions: [] });
    dynamicId = body.id;
    const [, legacy] = await api().request({ method: 'POST', url: '/v3/templates', body: { name: 'Old school' } });
    expect(legacy.generation).toBe('legacy');
    expect(legacy.id).toMatch(UUID);
    legacyId = legacy.id;
  });

  it('creates, fetches, patches and activates versions', async () => {
    const [res, a] = await api().request({
      method: 'POST',
      url: `/v3/templates/${dynamicId}/versions`,
      body: {
        name: 'v1',
        subject: 'Receipt for {{customer.name}}',
        html_content: [
          '<h1>Hi {{customer.name}}</h1>',
          '{{#each items}}<li>{{this.title}}: {{this.price}}</li>{{/each}}',
          '{{#if vip}}<p>VIP</p>{{else}}<p>regular</p>{{/if}}',
          '{{#unless paid}}<p>unpaid</p>{{/unless}}',
          '{{#equals status "shipped"}}<p>on its way</p>{{else}}<p>not yet</p>{{/equals}}',
          '{{#notEquals status "lost"}}<p>fine</p>{{/notEquals}}',
          '{{#greaterThan total 100}}<p>free shipping</p>{{/greaterThan}}',
          '{{#lessThan total 10}}<p>small</p>{{else}}<p>not small</p>{{/lessThan}}',
          '{{#and vip paid}}<p>vip and paid</p>{{/and}}',
          '{{#or missing paid}}<p>either</p>{{/or}}',
          '<p>{{length items}} items</p>',
          '<p>{{formatDate ordered "MMMM DD, YYYY"}} at {{formatDate ordered "HH:mm" "-0800"}}</p>',
          '<p>{{insert nickname "default=friend"}} / {{insert customer.name "default=friend"}}</p>',
          '<p>{{note}}</p><p>{{{note}}}</p>',
        ].join('\n'),
        plain_content: 'Hi {{customer.name}} & co',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(a).toMatchObject({ id: expect.stringMatching(UUID), template_id: dynamicId, active: 1, name: 'v1', generate_plain_content: true, editor: 'code', updated_at: expect.stringMatching(DATE) });
    v1 = a.id;
    const [, b] = await api().request({ method: 'POST', url: `/v3/templates/${dynamicId}/versions`, body: { name: 'v2', subject: 'Second {{x}}', html_content: '<p>second {{x}}</p>' } });
    expect(b.active).toBe(0);
    v2 = b.id;

    const [, fetched] = await api().request({ method: 'GET', url: `/v3/templates/${dynamicId}/versions/${v2}` });
    expect(fetched).toEqual(b);
    const [, patched] = await api().request({ method: 'PATCH', url: `/v3/templates/${dynamicId}/versions/${v2}`, body: { name: 'v2b' } });
    expect(patched).toMatchObject({ id: v2, name: 'v2b', subject: 'Second {{x}}', active: 0 });

    const [, t] = await api().request({ method: 'GET', url: `/v3/templates/${dynamicId}` });
    expect(t.versions.map((v: { id: string; active: number }) => [v.id, v.active])).toEqual([[v1, 1], [v2, 0]]);
  });

  it('renders the active version with dynamic_template_data and SendGrid helpers', async () => {
    mail.setClient(api());
    const [res] = await mail.send({
      to: 'buyer@example.com',
      from: 'shop@example.com',
      templateId: dynamicId,
      dynamicTemplateData: {
        customer: { name: 'Ann <3' },
        items: [{ title: 'Lamp', price: '$10' }, { title: 'Rug', price: '$99' }],
        vip: true,
        paid: true,
        status: 'shipped',
        total: 109,
        ordered: '2026-03-05T17:30:00Z',
        note: '<b>bold</b>',
      },
    });
    expect(res.statusCode).toBe(202);
    const [m] = await inspect('to=buyer@example.com');
    expect(m.template_id).toBe(dynamicId);
    expect(m.subject).toBe('Receipt for Ann <3');
    expect(m.text).toBe('Hi Ann <3 & co');
    const html = m.html as string;
    expect(html).toContain('<h1>Hi Ann &lt;3</h1>');
    expect(html).toContain('<li>Lamp: $10</li><li>Rug: $99</li>');
    expect(html).toContain('<p>VIP</p>');
    expect(html).not.toContain('unpaid');
    expect(html).toContain('<p>on its way</p>');
    expect(html).toContain('<p>fine</p>');
    expect(html).toContain('<p>free shipping</p>');
    expect(html).toContain('<p>not small</p>');
    expect(html).toContain('<p>vip and paid</p>');
    expect(html).toContain('<p>either</p>');
    expect(html).toContain('<p>2 items</p>');
    expect(html).toContain('<p>March 05, 2026 at 09:30</p>');
    expect(html).toContain('<p>friend / Ann &lt;3</p>');
    expect(html).toContain('<p>&lt;b&gt;bold&lt;/b&gt;</p><p><b>bold</b></p>');
    expect(m.dynamic_template_data.total).toBe(109);
    expect(await inspect(`template_id=${dynamicId}`)).toHaveLength(1);
  });

  it('activating another version changes what is sent', async () => {
    const [res, act] = await api().request({ method: 'POST', url: `/v3/templates/${dynamicId}/versions/${v2}/activate` });
    expect(res.statusCode).toBe(200);
    expect(act).toMatchObject({ id: v2, active: 1 });
    const [, t] = await api().request({ method: 'GET', url: `/v3/templates/${dynamicId}` });
    expect(t.versions.map((v: { active: number }) => v.active)).toEqual([0, 1]);
    await mail.send({ to: 'second@example.com', from: 'shop@example.com', templateId: dynamicId, dynamicTemplateData: { x: 'X' } });
    expect(await inspect('to=second@example.com')).toMatchObject([{ subject: 'Second X', html: '<p>second X</p>' }]);
  });

  it('legacy templates wrap the content with <%body%> and <%subject%>', async () => {
    await api().request({
      method: 'POST',
      url: `/v3/templates/${legacyId}/versions`,
      body: { name: 'frame', subject: '[Realty] <%subject%>', html_content: '<div class="frame"><%body%></div>', plain_content: 'Realty: <%body%>' },
    });
    await mail.send({ to: 'legacy@example.com', from: 'shop@example.com', subject: 'Open house', text: 'Sunday', html: '<p>Sunday -day-</p>', templateId: legacyId, substitutions: { '-day-': '2pm' }, substitutionWrappers: ['', ''] });
    expect(await inspect('to=legacy@example.com')).toMatchObject([
      { subject: '[Realty] Open house', text: 'Realty: Sunday', html: '<div class="frame"><p>Sunday 2pm</p></div>', template_id: legacyId },
    ]);
  });

  it('answers SendGrid\'s 400 for an unknown template or one without an active version', async () => {
    const missing = 'd-' + '0'.repeat(32);
    const f = await failure(mail.send({ to: 'x@example.com', from: 'shop@example.com', templateId: missing }));
    expect(f.status).toBe(400);
    expect(f.body).toEqual({
      errors: [
        {
          message: `The template_id must be a valid template ID for your account. You provided ${missing}.`,
          field: 'template_id',
          help: 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.template_id',
        },
      ],
    });
    const [, empty] = await api().request({ method: 'POST', url: '/v3/templates', body: { name: 'No versions', generation: 'dynamic' } });
    const g = await failure(mail.send({ to: 'x@example.com', from: 'shop@example.com', templateId: empty.id }));
    expect(g.body.errors[0].field).toBe('template_id');
    expect(await inspect('to=x@example.com')).toEqual([]);
  });

  it('lists with generations and page_size, following _metadata.next', async () => {
    const [, legacyOnly] = await api().request({ method: 'GET', url: '/v3/templates', qs: { page_size: 10 } });
    expect(legacyOnly.result.map((t: { id: string }) => t.id)).toEqual([legacyId]);
    const [, all] = await api().request({ method: 'GET', url: '/v3/templates', qs: { generations: 'legacy,dynamic', page_size: 2 } });
    expect(all.result).toHaveLength(2);
    expect(all._metadata.count).toBe(2);
    expect(all._metadata.next).toMatch(/page_token=/);
    const token = new URL(all._metadata.next).searchParams.get('page_token');
    const [, rest] = await api().request({ method: 'GET', url: '/v3/templates', qs: { generations: 'legacy,dynamic', page_size: 2, page_token: token } });
    const ids = [...all.result, ...rest.result].map((t: { id: string }) => t.id);
    expect(ids).toContain(FIXTURE_ID);
    expect(ids).toContain(dynamicId);
    const [, dyn] = await api().request({ method: 'GET', url: '/v3/templates', qs: { generations: 'dynamic', page_size: 200 } });
    expect(dyn.result.every((t: { generation: string }) => t.generation === 'dynamic')).toBe(true);
    const bad = await failure(api().request({ method: 'GET', url: '/v3/templates', qs: { page_size: 500 } }));
    expect(bad.status).toBe(400);
  });

  it('patches, duplicates and deletes templates and versions', async () => {
    const [, renamed] = await api().request({ method: 'PATCH', url: `/v3/templates/${dynamicId}`, body: { name: 'Receipt v2' } });
    expect(renamed.name).toBe('Receipt v2');
    const [dupRes, dup] = await api().request({ method: 'POST', url: `/v3/templates/${dynamicId}`, body: { name: 'Copy' } });
    expect(dupRes.statusCode).toBe(201);
    expect(dup.id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(dup.versions).toHaveLength(2);
    const [delV] = await api().request({ method: 'DELETE', url: `/v3/templates/${dynamicId}/versions/${v1}` });
    expect(delV.statusCode).toBe(204);
    expect((await failure(api().request({ method: 'GET', url: `/v3/templates/${dynamicId}/versions/${v1}` }))).status).toBe(404);
    const [del] = await api().request({ method: 'DELETE', url: `/v3/templates/${dup.id}` });
    expect(del.statusCode).toBe(204);
    const nf = await failure(api().request({ method: 'GET', url: `/v3/templates/${dup.id}` }));
    expect(nf).toMatchObject({ status: 404, body: { errors: [{ message: 'resource not found', field: null, help: null }] } });
    expect((await failure(api().request({ method: 'POST', url: '/v3/templates', body: { generation: 'dynamic' } }))).status).toBe(400);
  });

  it('templates of another API key are invisible; fixture templates are everyone\'s', async () => {
    const other = sendgrid(sim.url, newApiKey());
    expect((await failure(other.client.request({ method: 'GET', url: `/v3/templates/${dynamicId}` }))).status).toBe(404);
    const [, fixture] = await other.client.request({ method: 'GET', url: `/v3/templates/${FIXTURE_ID}` });
    expect(fixture).toMatchObject({ id: FIXTURE_ID, name: 'Welcome (fixture)', generation: 'dynamic', versions: [{ active: 1, subject: 'Welcome {{first_name}}' }] });
    await other.mail.send({ to: 'fixture@example.com', from: 'shop@example.com', templateId: FIXTURE_ID, dynamicTemplateData: { first_name: 'Fay' } });
    expect(await inspect('to=fixture@example.com')).toMatchObject([{ subject: 'Welcome Fay', html: '<p>Hi Fay</p>', text: 'Hi Fay' }]);
    await fetch(`${sim.url}/__inspect/reset?provider=sendgrid`, { method: 'POST' });
    const [, still] = await other.client.request({ method: 'GET', url: `/v3/templates/${FIXTURE_ID}` });
    expect(still.id).toBe(FIXTURE_ID);
  });
});
