import { expect } from 'chai';
import { ConfigError, DEFAULTS, loadConfig } from '../src/config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

describe('loadConfig', () => {
  it('uses the defaults for local use when nothing is set', () => {
    const config = loadConfig({});
    expect(config).to.deep.include({ port: 3000, host: '127.0.0.1', dataFile: 'data/whc-sites-2019.csv', logLevel: 'info' });
    expect(config.shutdownTimeoutMs).to.equal(DEFAULTS.shutdownTimeoutMs);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_FILE: '/data/x.csv',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '2500',
      SHUTDOWN_DELAY_MS: '5',
      DATA_POLL_MS: '0',
      DATA_WATCH: 'false',
      DATA_DEBOUNCE_MS: '50',
      DATA_SETTLE_MS: '250',
      CORS_ORIGINS: 'https://a.example, http://b.example:8080',
      ANSWER_CACHE_MB: '0',
      SEARCH_CPU_PERCENT: '100',
      SEARCH_WAIT_MS: '500',
      RESPONSE_MEMORY_MB: '64',
      DATA_MEMORY_MB: '512',
    });
    expect(config).to.deep.equal({
      port: 8080,
      host: '0.0.0.0',
      dataFile: '/data/x.csv',
      logLevel: 'warn',
      shutdownTimeoutMs: 2500,
      shutdownDelayMs: 5,
      dataPollMs: 0,
      dataWatch: false,
      dataDebounceMs: 50,
      dataSettleMs: 250,
      corsOrigins: ['https://a.example', 'http://b.example:8080'],
      answerCacheMb: 0,
      searchCpuPercent: 100,
      searchWaitMs: 500,
      responseMemoryMb: 64,
      dataMemoryMb: 512,
    });
  });

  it('allows any CORS origin by default and rejects what is not an origin', () => {
    expect(loadConfig({}).corsOrigins).to.deep.equal(['*']);
    const problems = problemsOf({ CORS_ORIGINS: 'https://a.example/path,example.org' });
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include('CORS_ORIGINS').and.include('"https://a.example/path"').and.include('"example.org"');
  });

  it('accepts CSV_PATH, the old service name, as an alias of DATA_FILE', () => {
    expect(loadConfig({ CSV_PATH: '/old.csv' }).dataFile).to.equal('/old.csv');
    expect(loadConfig({ CSV_PATH: '/same.csv', DATA_FILE: '/same.csv' }).dataFile).to.equal('/same.csv');
    expect(problemsOf({ CSV_PATH: '/a.csv', DATA_FILE: '/b.csv' })[0]).to.include('disagree');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).to.equal(3000);
  });

  it('reports every bad value at once, naming the variable', () => {
    const problems = problemsOf({ PORT: '3000abc', LOG_LEVEL: 'loud', SHUTDOWN_TIMEOUT_MS: '-1' });
    expect(problems).to.have.length(3);
    expect(problems.join('\n')).to.include('PORT="3000abc"').and.include('LOG_LEVEL="loud"').and.include('SHUTDOWN_TIMEOUT_MS="-1"');
  });

  it('rejects a DATA_WATCH that is not true or false', () => expect(problemsOf({ DATA_WATCH: 'yes' })[0]).to.include('DATA_WATCH'));

  for (const port of ['65536', '1e3', '0x50', ' 80', '-1']) {
    it(`rejects PORT=${JSON.stringify(port)}`, () => expect(problemsOf({ PORT: port })[0]).to.include('PORT'));
  }
});
