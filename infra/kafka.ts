import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, portOpen, ROOT, run, STACK_DIR, startDetached, stopPidFile, waitForPort } from './util';

const LIB = join(CACHE, 'kafka', 'lib');

/** The broker's jars from Maven Central (kept in ~/.m2 and .cache, fetched when absent). */
function ensureJars() {
  if (existsSync(LIB) && readdirSync(LIB).some((f) => f.startsWith('kafka_2.13-3.9'))) return;
  console.log('fetching Apache Kafka 3.9 jars from Maven Central…');
  run('mvn', [
    '-q',
    '-B',
    '-f',
    join(ROOT, 'infra', 'kafka', 'pom.xml'),
    'dependency:copy-dependencies',
    `-DoutputDirectory=${LIB}`,
    '-DincludeScope=runtime',
  ]);
}

const java = (args: string[]) => ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-cp', `${LIB}/*`, ...args];

/** One KRaft node acting as broker and controller, on loopback, idempotently. */
export async function upKafka(port: number) {
  if (await portOpen(port)) return;
  ensureJars();
  const dir = join(STACK_DIR, 'kafka');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${port + 1}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${dataDir}`,
      'num.partitions=6',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=6',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      '',
    ].join('\n'),
  );
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      '',
    ].join('\n'),
  );
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    // A KRaft cluster id is 16 random bytes, base64url without padding (22 characters). One in 64 starts
    // with '-', which the storage tool reads as an option (Kafka's own Uuid.randomUuid draws again too).
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    run(
      'java',
      java([
        `-Dlog4j.configuration=file:${log4j}`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        props,
      ]),
    );
  }
  const { log } = startDetached(
    'kafka',
    'java',
    java([`-Dlog4j.configuration=file:${log4j}`, 'kafka.Kafka', props]),
  );
  await waitForPort(port, 'Kafka', 120_000, log);
}

export const downKafka = () => stopPidFile('kafka');
