import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeProgram } from '../../shared/engine/analyze';
import { audit } from '../../shared/engine/audit';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import { buildTerraformProgram } from '../../shared/frontends/terraform/module';
import { loadProgram } from '../../shared/engine/workspace';
import { evaluate, get } from '../../shared/model/evaluate';

/** The Terraform module rules judge a directory as a whole: what one file declares, another may use. */
function analyzeModule(files: Record<string, string>): string[] {
  const models = Object.entries(files).map(([name, text]) => parseSource(`/mod/${name}`, text));
  const program = buildTerraformProgram('/mod', models);
  return analyzeProgram(program, { only: ['terraform-undeclared-reference', 'terraform-duplicate-definition'] }).map(
    (f) => `${f.loc.file.slice(5)}:${f.loc.range.start.line + 1} ${f.ruleId}: ${f.message}`,
  );
}

beforeAll(() => initEngine());

describe('Terraform module rules across files', () => {
  it('resolves references declared in sibling files and reports declarations repeated across files', () => {
    const findings = analyzeModule({
      'variables.tf': 'variable "environment" {\n  type = string\n}\n\nvariable "retention_days" {\n  type = number\n}\n',
      'main.tf':
        'resource "aws_cloudwatch_log_group" "app" {\n  name              = "/app/${var.environment}"\n  retention_in_days = var.retention_days\n}\n\nvariable "environment" {\n  type = string\n}\n',
      'outputs.tf':
        'output "log_group" {\n  value = aws_cloudwatch_log_group.app.name\n}\n\noutput "stream" {\n  value = aws_cloudwatch_log_stream.app.name\n}\n',
    });
    expect(findings).toEqual([
      'outputs.tf:6 terraform-undeclared-reference: aws_cloudwatch_log_stream.app refers to resource aws_cloudwatch_log_stream "app", which no file of this module declares',
      'variables.tf:1 terraform-duplicate-definition: variable "environment" is declared a second time (first at main.tf, line 6): Terraform refuses a module that declares it twice',
    ]);
  });

  it('merges override files into the blocks they name instead of calling them duplicates', () => {
    const files = {
      'main.tf': [
        'locals {',
        '  engine_version = "13.4"',
        '}',
        '',
        'resource "aws_db_instance" "pg" {',
        '  engine         = "postgres"',
        '  engine_version = local.engine_version',
        '  instance_class = "db.t4g.medium"',
        '  multi_az       = false',
        '}',
        '',
      ].join('\n'),
      'override.tf': 'locals {\n  engine_version = "16.9"\n}\n\nresource "aws_db_instance" "pg" {\n  multi_az = true\n}\n',
    };
    expect(analyzeModule(files)).toEqual([]);
    const program = buildTerraformProgram(
      '/mod',
      Object.entries(files).map(([name, text]) => parseSource(`/mod/${name}`, text)),
    );
    expect(program.resources).toHaveLength(1);
    const pg = program.resources[0]!;
    expect(evaluate(get(pg, 'multi_az'), program)).toEqual({ state: 'known', value: true });
    expect(evaluate(get(pg, 'engine_version'), program)).toEqual({ state: 'known', value: '16.9' });
    expect(evaluate(get(pg, 'instance_class'), program)).toEqual({ state: 'known', value: 'db.t4g.medium' });
  });

  it('says nothing about references while a file of the module does not parse', () => {
    expect(
      analyzeModule({ 'a.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n', 'b.tf': 'locals {\n  x = var.missing\n}\n' }),
    ).toEqual([]);
  });
});

/** A database whose Multi-AZ setting is a variable that defaults to false. */
const ORDERS_DB = [
  'variable "multi_az" {',
  '  type    = bool',
  '  default = false',
  '}',
  '',
  'resource "aws_db_instance" "this" {',
  '  identifier_prefix           = "orders-"',
  '  engine                      = "postgres"',
  '  instance_class              = "db.t4g.medium"',
  '  allocated_storage           = 50',
  '  username                    = "orders"',
  '  manage_master_user_password = true',
  '  multi_az                    = var.multi_az',
  '}',
  '',
].join('\n');

/** A CPU alarm on the orders database, with the lines that say what it watches and whom it tells. */
function cpuAlarm(label: string, lines: string[]): string {
  return [
    `resource "aws_cloudwatch_metric_alarm" "${label}" {`,
    '  alarm_name          = "orders-db-cpu"',
    '  namespace           = "AWS/RDS"',
    '  metric_name         = "CPUUtilization"',
    '  statistic           = "Average"',
    '  period              = 300',
    '  evaluation_periods  = 3',
    '  threshold           = 80',
    '  comparison_operator = "GreaterThanThreshold"',
    ...lines,
    '}',
    '',
  ].join('\n');
}

describe('module calls', () => {
  const childModule = [
    ORDERS_DB,
    'variable "alarm_topic_arn" {',
    '  type    = string',
    '  default = null',
    '}',
    '',
    cpuAlarm('cpu', [
      '  count               = var.alarm_topic_arn != null ? 1 : 0',
      '  alarm_actions       = [var.alarm_topic_arn]',
      '  dimensions          = { DBInstanceIdentifier = aws_db_instance.this.identifier }',
    ]),
    '',
  ].join('\n');
  const caller = (name: string, inputs: string): string => `module "${name}" {\n  source = "../../modules/orders-db"\n${inputs}}\n`;

  /** Writes a workspace (envs/<env>/main.tf calling modules/orders-db) and audits the module folder alone. */
  async function auditModule(callers: Record<string, string>): Promise<string[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-callers-'));
    try {
      fs.mkdirSync(path.join(dir, 'modules/orders-db'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'modules/orders-db/main.tf'), childModule);
      for (const [env, text] of Object.entries(callers)) {
        fs.mkdirSync(path.join(dir, 'envs', env), { recursive: true });
        fs.writeFileSync(path.join(dir, 'envs', env, 'main.tf'), text);
      }
      const result = await audit([path.join(dir, 'modules/orders-db')], { jobs: 1, only: ['rds-multi-az-disabled', 'monitoring-missing'] });
      return result.findings.map((f) => `${f.ruleId}: ${f.message}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('judges a called module with what its callers pass, not with its own defaults', async () => {
    const inputs = '  multi_az        = true\n  alarm_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ops"\n';
    expect(await auditModule({ prod: caller('db', inputs), staging: caller('db', inputs) })).toEqual([]);
  });

  it('leaves a variable unknown when the callers disagree, and uses the default where no call sets it', async () => {
    expect(await auditModule({ prod: caller('db', '  multi_az = true\n'), staging: caller('db', '') })).toEqual([
      'monitoring-missing: no CloudWatch alarm watches database aws_db_instance "this": when it fails or saturates, nobody is told',
    ]);
  });

  it('lets an alarm in the calling module watch the called module', async () => {
    const rootAlarm = cpuAlarm('orders_db_cpu', [
      '  alarm_actions       = ["arn:aws:sns:eu-west-1:111122223333:ops"]',
      '  dimensions          = { DBInstanceIdentifier = module.db.identifier }',
    ]);
    expect(await auditModule({ prod: caller('db', '  multi_az = true\n') + rootAlarm })).toEqual([]);
  });

  it('judges nothing in a module no call instantiates', async () => {
    expect(await auditModule({ prod: caller('db', '  count = 0\n'), staging: caller('db', '  for_each = toset([])\n') })).toEqual([]);
  });

  it('evaluates what a call passes in the calling module', async () => {
    const root =
      'variable "ha" {\n  type    = bool\n  default = false\n}\n\n' +
      caller('db', '  multi_az = var.ha\n  alarm_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ops"\n');
    expect(await auditModule({ prod: root })).toEqual([
      'rds-multi-az-disabled: RDS instance aws_db_instance "this" sets multi_az to false, so it runs in a single Availability Zone',
    ]);
  });

  it('runs a called module with the provider version its callers pin', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-pin-'));
    try {
      fs.mkdirSync(path.join(dir, 'modules/orders-db'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'envs/prod'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'modules/orders-db/main.tf'), ORDERS_DB);
      fs.writeFileSync(
        path.join(dir, 'envs/prod/main.tf'),
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.40"\n    }\n  }\n}\n\n' +
          caller('db', '  multi_az = true\n'),
      );
      const unit = {
        kind: 'terraform-module' as const,
        root: path.join(dir, 'modules/orders-db'),
        files: [path.join(dir, 'modules/orders-db/main.tf')],
      };
      expect(loadProgram(unit).awsProvider()).toMatchObject({ version: '~> 5.40', source: 'main.tf' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('judges a module with what its production callers pass, whatever dev passes', async () => {
    const topic = '  alarm_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ops"\n';
    expect(
      await auditModule({ prod: caller('db', `  multi_az = false\n${topic}`), dev: caller('db', `  multi_az = true\n${topic}`) }),
    ).toEqual([
      'rds-multi-az-disabled: RDS instance aws_db_instance "this" sets multi_az to false, so it runs in a single Availability Zone',
    ]);
  });

  it("takes the profile of its callers' environments", async () => {
    // Only envs/dev calls it: single-AZ there is a choice, and production rules do not apply.
    expect(await auditModule({ dev: caller('db', '  multi_az = false\n') })).toEqual([]);
  });

  it('reports the literal every caller passes', async () => {
    expect(
      await auditModule({ prod: caller('db', '  multi_az = false\n  alarm_topic_arn = "arn:aws:sns:eu-west-1:111122223333:ops"\n') }),
    ).toEqual([
      'rds-multi-az-disabled: RDS instance aws_db_instance "this" sets multi_az to false, so it runs in a single Availability Zone',
    ]);
  });
});

describe('var-files in subfolders', () => {
  it('leaves a variable unknown when a tfvars file of a subfolder sets it differently, and says which', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-varfiles-'));
    try {
      fs.mkdirSync(path.join(dir, 'env'));
      fs.writeFileSync(path.join(dir, 'main.tf'), ['provider "aws" {', '  region = "eu-west-1"', '}', '', ORDERS_DB].join('\n'));
      fs.writeFileSync(path.join(dir, 'env/dev.tfvars'), 'multi_az = false\n');
      fs.writeFileSync(path.join(dir, 'env/prod.tfvars'), 'multi_az = true\n');
      const program = loadProgram({ kind: 'terraform-module', root: dir, files: [path.join(dir, 'main.tf')] });
      const db = program.resources[0]!;
      expect(evaluate(get(db, 'multi_az'), program)).toMatchObject({
        state: 'unknown',
        reason: `var.multi_az is set differently in ${path.join('env', 'prod.tfvars')} (passed with -var-file)`,
      });
      expect(program.stackNames).toContain('prod');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('literals written in tfvars', () => {
  it('leaves zones that a tfvars file chooses alone, and reports zones written in the code', () => {
    const main =
      'variable "azs" {\n  type = list(string)\n}\n\nmodule "network" {\n  source = "../../modules/network"\n  azs    = var.azs\n}\n\nmodule "edge" {\n  source = "../../modules/network"\n  azs    = ["eu-west-1a"]\n}\n';
    const models = [parseSource('/env/main.tf', main), parseSource('/env/terraform.tfvars', 'azs = ["eu-west-1a", "eu-west-1b"]\n')];
    const findings = analyzeProgram(buildTerraformProgram('/env', models), { only: ['az-hardcoded'] });
    expect(findings.map((f) => `${f.loc.range.start.line + 1}: ${f.message.slice(0, 40)}`)).toEqual([
      '12: module "edge" sets azs to the literal zo',
    ]);
  });

  it('names the tfvars file that holds a placeholder', () => {
    const models = [
      parseSource(
        '/mod/main.tf',
        'variable "admin_role_arn" {\n  type = string\n}\n\nresource "aws_iam_role_policy_attachment" "admin" {\n  role       = "search-admin"\n  policy_arn = var.admin_role_arn\n}\n',
      ),
      parseSource('/mod/terraform.tfvars', 'admin_role_arn = "arn:aws:iam::123456789012:policy/search-admin"\n'),
    ];
    const findings = analyzeProgram(buildTerraformProgram('/mod', models), { only: ['placeholder-value'] });
    expect(findings.map((f) => [f.message, f.loc.file, f.related?.[0]?.loc.file])).toEqual([
      [
        'aws_iam_role_policy_attachment "admin" sets policy_arn to "arn:aws:iam::123456789012:policy/search-admin", which contains 123456789012 (the example account id from the AWS documentation): replace it with the real value in terraform.tfvars',
        '/mod/main.tf',
        '/mod/terraform.tfvars',
      ],
    ]);
  });

  it('points at the variable and names the tfvars file where the secret is written', () => {
    const models = [
      parseSource(
        '/mod/main.tf',
        'variable "redis_auth_token" {\n  type      = string\n  sensitive = true\n}\n\nresource "aws_elasticache_replication_group" "sessions" {\n  replication_group_id       = "sessions"\n  description                = "sessions"\n  transit_encryption_enabled = true\n  auth_token                 = var.redis_auth_token\n}\n',
      ),
      parseSource('/mod/terraform.tfvars', 'redis_auth_token = "s3ss10ns-t0ken-2026-x9"\n'),
    ];
    const findings = analyzeProgram(buildTerraformProgram('/mod', models), { only: ['hardcoded-secret'] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      message: 'aws_elasticache_replication_group "sessions" sets auth_token to a literal written in terraform.tfvars',
      loc: { file: '/mod/main.tf', range: { start: { line: 9 } } },
      related: [{ loc: { file: '/mod/terraform.tfvars', range: { start: { line: 0 } } }, message: 'the literal is written here' }],
    });
  });
});
