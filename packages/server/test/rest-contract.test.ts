// Contract tests against Tencent's own OpenAPI description (test/fixtures/tencent-im-openapi.yaml):
// for every path the file lists that Parley implements, a request built from the documented
// request schema (every documented field filled, IDs replaced by ones this test created) is
// accepted — ErrorCode 0 or a documented business error, never a parse error, an unknown-command
// error or a crash — and every answer validates against the documented response schema with Ajv
// (additionalProperties as the schema says). A path Parley does not implement must answer 60009.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';
import type { AppRecord } from '../src/store/app-store.ts';
import { createTestApp, rest, startNode, text, type TestNode } from './helpers/test-server.ts';

type Schema = Record<string, any>;
interface OpenApi {
  paths: Record<string, { post: { requestBody?: { content: { 'application/json': { schema: Schema } } }; responses: Record<string, { content: { 'application/json': { schema: Schema } } }> } }>;
  components: { schemas: Record<string, Schema> };
}

const doc = load(readFileSync(new URL('./fixtures/tencent-im-openapi.yaml', import.meta.url), 'utf8')) as OpenApi;

// Where Tencent's own description disagrees with Tencent's API pages, Parley follows the pages and
// the schema is corrected here (and only here), each with its reason:
// - portrait_get: integer profile fields (Tag_Profile_IM_Level, BirthDay, ... and integer custom
//   tags) come back as JSON numbers, as Tencent's "Value: uint64_t/string/bytes" says; the YAML types
//   Value as string only.
const profileValue = doc.components.schemas['PortraitGetResponse']!.allOf[1].properties.UserProfileItem.items.properties.ProfileItem.items.properties.Value;
profileValue.type = ['string', 'integer'];
// - get_c2c_unread_msg_num: C2CUnreadMsgNum is a count; Tencent's page shows it as a JSON number
//   (`"C2CUnreadMsgNum": 12`), the YAML types it string.
doc.components.schemas['GetC2cUnreadMsgNumResponse']!.allOf[1].properties.C2CUnreadMsgNumList.items.properties.C2CUnreadMsgNum.type = 'integer';

/** Codes that mean "the request was not understood" or "the server broke": never acceptable for a documented example. */
const NOT_ACCEPTED = new Set([60002, 60003, 60008, 60009, 60015, 70402, 70500, 90001, 90002, 90007, 90010, 91000, 10002, 10003, 10004, 40001, 50001]);

/** The paths expected to succeed outright with the generated example (no business error). */
const MUST_SUCCEED = new Set([
  'im_open_login_svc/account_import', 'im_open_login_svc/multiaccount_import', 'im_open_login_svc/account_check', 'im_open_login_svc/kick',
  'openim/query_online_status', 'openim/sendmsg', 'openim/batchsendmsg', 'openim/importmsg', 'openim/admin_getroammsg',
  'openim/admin_set_msg_read', 'openim/get_c2c_unread_msg_num', 'profile/portrait_set', 'profile/portrait_get',
  'recentcontact/get_list', 'recentcontact/delete', 'openconfigsvr/setnospeaking', 'openconfigsvr/getnospeaking', 'openconfigsvr/getappinfo',
  // (import_group_member and set_unread_msg_num meet business errors here: modify_group_base_info's example sets
  // MaxMemberNum 1, so the group is full and ct-c not a member; group-import-rest.test.ts covers their success.)
  'group_open_http_svc/import_group', 'group_open_http_svc/delete_group_msg_by_sender', 'group_open_http_svc/group_msg_get_simple', 'group_open_http_svc/get_group_attr',
  'group_open_http_svc/modify_group_attr', 'group_open_http_svc/clear_group_attr', 'group_open_http_svc/set_group_attr',
]);

/**
 * Examples of the YAML that Tencent's real API refuses, so Parley refuses them too (asserted):
 * import_group_msg: the YAML flattens the message into top-level From_Account/SendTime/MsgBody and
 * types MsgList as a string; Tencent's page (reference §5.21) takes MsgList as an array of messages.
 */
const YAML_ERRATA: Record<string, number> = { 'group_open_http_svc/import_group_msg': 10004 };

/**
 * Known gaps in commands owned by other modules: reported as TODO (they do not fail the run).
 * (group_msg_get_simple's tips were one: they are now sent as schema-valid TIMCustomElem with IsSystemMsg 1.)
 */
const KNOWN_GAPS: Record<string, string> = {};

/** Last: these remove what the other examples use. */
const LAST = ['openim/admin_msgwithdraw', 'group_open_http_svc/destroy_group', 'im_open_login_svc/account_delete'];

function resolve(s: Schema): Schema {
  if (s['$ref']) return resolve(doc.components.schemas[String(s['$ref']).split('/').pop()!]!);
  return s;
}

interface Ctx { groupId: string; msgKey: string; groupSeq: number; now: number; n: number }

/** A value for a documented field, by name where the name says what it is, else by schema. */
function example(schema: Schema, name: string, ctx: Ctx, path: string): unknown {
  const s = resolve(schema);
  const isArray = s['type'] === 'array';
  const one = (v: unknown) => (isArray ? [v] : v);
  switch (name) {
    case 'From_Account': case 'Operator_Account': case 'Owner_Account': case 'Set_Account': case 'Get_Account': case 'Report_Account':
      return one('ct-a');
    case 'To_Account': case 'Peer_Account': case 'NewOwner_Account': case 'Peer_Account_List':
      return one('ct-b');
    case 'Member_Account': case 'MemberToDel_Account':
      return one('ct-c');
    case 'UserID': case 'Identifier':
      return one(path.endsWith('account_delete') ? 'ct-del' : 'ct-new');
    case 'Accounts': return ['ct-new2'];
    case 'GroupId': case 'ToGroupid': return path.endsWith('create_group') || path.endsWith('import_group') ? `ct_grp_${ctx.now}_${++ctx.n}` : ctx.groupId;
    case 'MsgBody': return text('contract');
    case 'MsgRandom': case 'Random': return 1000 + ++ctx.n;
    case 'MsgKey': case 'LastMsgKey': return ctx.msgKey;
    case 'MsgSeq': return path.startsWith('group') ? ctx.groupSeq : undefined;
    case 'MsgSeqList': return [{ MsgSeq: ctx.groupSeq }];
    case 'MsgTimeStamp': case 'SendTime': return Math.floor(Date.now() / 1000) - 10;
    case 'MsgLifeTime': return 3600;
    // Imports: a group made an hour ago; a member joining now (not before the group was created).
    case 'CreateTime': return Math.floor(Date.now() / 1000) - 3600;
    case 'JoinTime': return Math.floor(Date.now() / 1000);
    case 'MsgReadTime': return undefined;
    case 'SyncFromOldSystem': return 1;
    case 'GroupType': return 'Public';
    case 'Role': return 'Admin';
    case 'MsgFlag': return 'AcceptAndNotify';
    case 'ApplyJoinOption': return 'FreeAccess';
    case 'ShutUpAllMember': return 'Off';
    case 'MsgPriority': return 'Normal';
    case 'Next': return s['type'] === 'integer' ? 0 : '';
    case 'MinTime': return 0;
    case 'MaxTime': return Math.floor(Date.now() / 1000) + 100;
    case 'MaxCnt': case 'ReqMsgNumber': case 'Limit': return 10;
    case 'ProfileItem': return [{ Tag: 'Tag_Profile_IM_Nick', Value: 'Contract' }];
    case 'TagList': return ['Tag_Profile_IM_Nick'];
    case 'RequestField': return ['ActiveUserNum', 'C2CUpMsgNum'];
    case 'C2CmsgNospeakingTime': case 'GroupmsgNospeakingTime': return 0;
    case 'Type': return path.startsWith('group_open_http_svc') ? 'Public' : s['enum']?.[0] ?? 1;
    case 'OfflinePushInfo': return { PushFlag: 0, Title: 't', Desc: 'd', Ext: '{}' };
  }
  if (s['oneOf']) return example(s['oneOf'][0], name, ctx, path);
  if (s['allOf']) return Object.assign({}, ...s['allOf'].map((x: Schema) => example(x, name, ctx, path)));
  if (s['default'] !== undefined) return s['default'];
  if (s['enum']) return s['enum'][0];
  switch (s['type']) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s['properties'] ?? {}) as Record<string, Schema>)) {
        const value = example(v, k, ctx, path);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case 'array': return [example(s['items'] ?? {}, name, ctx, path)];
    case 'integer': case 'number': return 1;
    case 'boolean': return true;
    default: return 'contract';
  }
}

describe('REST contract: tencent-im-openapi.yaml', () => {
  let node: TestNode;
  let app: AppRecord;
  const ctx: Ctx = { groupId: '', msgKey: '', groupSeq: 0, now: Date.now(), n: 0 };
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  const compiled = new Map<Schema, ValidateFunction>();
  const validatorFor = (schema: Schema) => {
    let v = compiled.get(schema);
    if (!v) {
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Schema;
      compiled.set(schema, (v = ajv.compile(rewritten)));
    }
    return v;
  };
  const paths = Object.keys(doc.paths).sort((a, b) => LAST.indexOf(a.slice(4)) - LAST.indexOf(b.slice(4)));

  before(async () => {
    node = await startNode();
    app = await createTestApp(node);
    const imp = await rest(node, app, 'im_open_login_svc/multiaccount_import', { Accounts: ['ct-a', 'ct-b', 'ct-c', 'ct-del'] });
    assert.equal(imp.ErrorCode, 0);
    const m = await rest(node, app, 'openim/sendmsg', { From_Account: 'ct-a', To_Account: 'ct-b', MsgRandom: 1, MsgBody: text('seed') });
    ctx.msgKey = m.MsgKey;
    const g = await rest(node, app, 'group_open_http_svc/create_group', { Owner_Account: 'ct-a', Type: 'Public', Name: 'contract', MemberList: [{ Member_Account: 'ct-b' }] });
    assert.equal(g.ErrorCode, 0, g.ErrorInfo);
    ctx.groupId = g.GroupId;
    const gm = await rest(node, app, 'group_open_http_svc/send_group_msg', { GroupId: ctx.groupId, From_Account: 'ct-a', Random: 9, MsgBody: text('seed') });
    ctx.groupSeq = gm.MsgSeq;
  });
  after(() => node.close());

  test('the fixture lists every documented path', () => {
    assert.equal(paths.length, 75);
  });

  for (const path of paths) {
    const op = doc.paths[path]!.post;
    const command = path.slice(4);
    test(command, KNOWN_GAPS[command] ? { todo: KNOWN_GAPS[command] } : {}, async () => {
      const reqSchema = op.requestBody?.content['application/json'].schema;
      const body = reqSchema ? example(reqSchema, '', ctx, command) as Record<string, unknown> : {};
      const res = await rest(node, app, command, body);
      assert.equal(typeof res.ErrorCode, 'number', `${command}: ${JSON.stringify(res)}`);
      if (res.ErrorCode === 60009) return; // not implemented: docs/rest-api.md says why
      if (YAML_ERRATA[command] !== undefined) {
        assert.equal(res.ErrorCode, YAML_ERRATA[command], `${command}: ${res.ErrorInfo}`);
        return;
      }
      if (reqSchema) {
        const v = validatorFor(reqSchema);
        assert.ok(v(body), `generated example does not match the request schema: ${ajv.errorsText(v.errors)}`);
      }
      assert.ok(!NOT_ACCEPTED.has(res.ErrorCode), `${command} refused the documented example: ${res.ErrorCode} ${res.ErrorInfo}\n${JSON.stringify(body).slice(0, 400)}`);
      if (MUST_SUCCEED.has(command)) assert.equal(res.ErrorCode, 0, `${command}: ${res.ErrorCode} ${res.ErrorInfo}`);
      const resSchema = op.responses['200']!.content['application/json'].schema;
      const v = validatorFor(resSchema);
      assert.ok(v(res), `${command} answer does not match the response schema: ${ajv.errorsText(v.errors)}\n${JSON.stringify(res).slice(0, 400)}`);
    });
  }

  test('bad input on every implemented endpoint: a wrong-typed required field is refused with a code, a missing one never crashes', async () => {
    const INTERNAL = new Set([70500, 91000, 10002, 60009]);
    const problems: string[] = [];
    let checked = 0;
    for (const path of paths) {
      const command = path.slice(4);
      const reqSchema = doc.paths[path]!.post.requestBody?.content['application/json'].schema;
      if (!reqSchema) continue;
      const base = example(reqSchema, '', ctx, command) as Record<string, unknown>;
      const required = (resolve(reqSchema)['required'] ?? []) as string[];
      for (const field of required) {
        for (const [how, value] of [['missing', undefined], ['wrong type', { unexpected: [1] }]] as const) {
          const body = { ...base };
          if (value === undefined) delete body[field];
          else body[field] = value;
          const res = await rest(node, app, command, body);
          if (res.ErrorCode === 60009) break;
          checked++;
          if (typeof res.ErrorCode !== 'number' || INTERNAL.has(res.ErrorCode)) problems.push(`${command} ${field} ${how}: ${res.ErrorCode} ${res.ErrorInfo}`);
          else if (how === 'wrong type' && res.ErrorCode === 0) problems.push(`${command} ${field} ${how}: accepted`);
          else if (res.ActionStatus !== 'FAIL' && res.ErrorCode !== 0) problems.push(`${command} ${field} ${how}: ActionStatus ${res.ActionStatus}`);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 100, `only ${checked} bad requests were checked`);
  });

  test('implemented commands outside the OpenAPI file answer in the common envelope', async () => {
    for (const [command, body] of [['openim_dirty_words/get', {}], ['openim/querystate', { To_Account: ['ct-a'] }]] as const) {
      const res = await rest(node, app, command, body);
      assert.equal(res.ErrorCode, 0);
      assert.ok(validatorFor({ $ref: '#/components/schemas/CommonResponse' })(res));
    }
  });
});
