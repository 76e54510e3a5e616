import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurity, loadDistributedConfig, schemaRegistryAuth } from './distributed-config';

const minimal = {
  KAFKA_BROKERS: 'kafka:9092',
  SCHEMA_REGISTRY_URL: 'http://registry:8081',
  MONGODB_URL: 'mongodb://mongo:27017/',
};

function problems(env: Record<string, string>): string {
  try {
    loadDistributedConfig({ ...minimal, ...env });
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('distributed config: connection security', () => {
  it('is plaintext without authentication by default', () => {
    const cfg = loadDistributedConfig(minimal);
    expect(kafkaSecurity(cfg)).toBeUndefined();
    expect(schemaRegistryAuth(cfg)).toBeUndefined();
  });

  it('gives the bus TLS with the CA file and SASL credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ca-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const cfg = loadDistributedConfig({
      ...minimal,
      KAFKA_TLS: 'true',
      KAFKA_TLS_CA_FILE: join(dir, 'ca.pem'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw',
      SCHEMA_REGISTRY_USERNAME: 'key',
      SCHEMA_REGISTRY_PASSWORD: 'secret',
    });
    expect(kafkaSecurity(cfg)).toEqual({
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE'), rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
    expect(schemaRegistryAuth(cfg)).toEqual({ username: 'key', password: 'secret' });
  });

  it('names the missing half of SASL credentials', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' })).toContain(
      'KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM=plain',
    );
    expect(problems({ KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' })).toContain('KAFKA_SASL_MECHANISM');
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi' })).toContain('KAFKA_SASL_MECHANISM');
  });

  it('rejects a CA file without TLS and half of the registry credentials', () => {
    expect(problems({ KAFKA_TLS_CA_FILE: '/etc/ca.pem' })).toContain('KAFKA_TLS: must be true');
    expect(problems({ SCHEMA_REGISTRY_USERNAME: 'key' })).toContain('SCHEMA_REGISTRY_PASSWORD');
  });

  it('wants http(s) URLs for the servers it calls (zod alone takes minio:9000 as a URL)', () => {
    expect(problems({ S3_ENDPOINT: 'minio:9000' })).toContain('S3_ENDPOINT: must be an http:// or https:// URL');
    expect(problems({ SCHEMA_REGISTRY_URL: 'registry:8081' })).toContain('SCHEMA_REGISTRY_URL');
    expect(problems({ S3_ENDPOINT: 'http://minio:9000' })).toBe('');
  });

  it('rejects empty strings for optional keys (an unset chart value must not render as "")', () => {
    expect(problems({ AWS_ACCESS_KEY_ID: '' })).toContain('AWS_ACCESS_KEY_ID');
  });
});
