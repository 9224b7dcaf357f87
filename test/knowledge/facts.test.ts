import { describe, expect, it } from 'vitest';
import {
  checkEngineVersion,
  compareVersions,
  familyMatchesEngine,
  lambdaRuntimeSuccessor,
  majorOf,
  nearest,
  parameterGroupFamily,
} from '../../shared/knowledge/facts';

describe('engine versions', () => {
  it('reads majors the way RDS groups them', () => {
    expect(majorOf('aurora-postgresql', '15.3')).toBe('15');
    expect(majorOf('postgres', '9.6.24')).toBe('9.6');
    expect(majorOf('mysql', '8.0.43')).toBe('8.0');
    expect(majorOf('aurora-mysql', '8.0.mysql_aurora.3.10.0')).toBe('8.0');
    expect(majorOf('mariadb', '10.11.9')).toBe('10.11');
    expect(majorOf('sqlserver-ee', '15.00.4073.23.v1')).toBe('15.00');
  });

  it('compares numerically', () => {
    expect(compareVersions('15.10', '15.9')).toBeGreaterThan(0);
    expect(compareVersions('8.0.mysql_aurora.3.10.0', '8.0.mysql_aurora.3.9.0')).toBeGreaterThan(0);
  });

  it('accepts offered versions and major-only forms', () => {
    expect(checkEngineVersion('aurora-postgresql', '15.13')?.kind).toBe('ok');
    expect(checkEngineVersion('aurora-postgresql', '15')?.kind).toBe('ok');
    expect(checkEngineVersion('mysql', '8.0')?.kind).toBe('ok');
  });

  it('reports a retired version, a gap and an older version as invalid (seed 001: aurora-postgresql 15.3)', () => {
    expect(checkEngineVersion('aurora-postgresql', '15.3')?.kind).toBe('deprecated');
    expect(checkEngineVersion('mysql', '8.0.38')).toMatchObject({ kind: 'unknown', why: 'gap' });
    expect(checkEngineVersion('postgres', '16.0')).toMatchObject({ kind: 'unknown', why: 'older' });
  });

  it('treats a version newer than the catalogue as not in the catalogue, not invalid', () => {
    expect(checkEngineVersion('aurora-postgresql', '16.99')?.kind).toBe('newer');
    expect(checkEngineVersion('postgres', '42.1')?.kind).toBe('newer');
  });

  it('does not check engines without a list', () => {
    expect(checkEngineVersion('oracle-ee', '19.0.0.0.ru-2024-10.rur-2024-10.r1')).toBeUndefined();
  });
});

describe('parameter group families', () => {
  it('derives the family from engine and major', () => {
    expect(parameterGroupFamily('postgres', '16.9')).toBe('postgres16');
    expect(parameterGroupFamily('postgres', '9.6.24')).toBe('postgres9.6');
    expect(parameterGroupFamily('aurora-postgresql', '15.13')).toBe('aurora-postgresql15');
    expect(parameterGroupFamily('mysql', '8.0.43')).toBe('mysql8.0');
    expect(parameterGroupFamily('aurora-mysql', '8.0.mysql_aurora.3.10.0')).toBe('aurora-mysql8.0');
    expect(parameterGroupFamily('aurora-mysql', '5.7.mysql_aurora.2.12.3')).toBe('aurora-mysql5.7');
    expect(parameterGroupFamily('mariadb', '10.11.9')).toBe('mariadb10.11');
    expect(parameterGroupFamily('sqlserver-ee', '15.00.4073.23.v1')).toBe('sqlserver-ee-15.0');
    expect(parameterGroupFamily('oracle-ee', '19.0.0.0.ru-2024-10.rur-2024-10.r1')).toBe('oracle-ee-19');
  });

  it('matches families to engines without a version', () => {
    expect(familyMatchesEngine('postgres', 'postgres15')).toBe(true);
    expect(familyMatchesEngine('postgres', 'aurora-postgresql15')).toBe(false);
    expect(familyMatchesEngine('mysql', 'mariadb10.11')).toBe(false);
  });
});

describe('lambda and retention', () => {
  it('names the newest runtime of the language', () => {
    expect(lambdaRuntimeSuccessor('nodejs16.x', '2026-11-23')).toBe('nodejs24.x');
    expect(lambdaRuntimeSuccessor('python3.8', '2026-11-23')).toBe('python3.14');
  });

  it('rounds to the nearest allowed value, up on a tie', () => {
    expect(nearest([30, 60, 90], 45)).toBe(60);
    expect(nearest([1, 3, 5], 2)).toBe(3);
  });
});
