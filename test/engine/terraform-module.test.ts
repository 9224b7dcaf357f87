import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeProgram } from '../../shared/engine/analyze';
import { initEngine, parseSource } from '../../shared/engine/frontends';
import { buildTerraformProgram } from '../../shared/frontends/terraform/module';

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

  it('says nothing about references while a file of the module does not parse', () => {
    expect(
      analyzeModule({ 'a.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n', 'b.tf': 'locals {\n  x = var.missing\n}\n' }),
    ).toEqual([]);
  });
});
