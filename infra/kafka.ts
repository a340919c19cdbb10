import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { CACHE, portOpen, ROOT, run, STACK_DIR, startDetached, stopPidFile, waitForPort } from './util';

const LIB = join(CACHE, 'kafka', 'lib');
const READINESS_TOPIC = 'loanflow.readiness';

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
  if (await portOpen(port)) return brokerReady(port, join(STACK_DIR, 'kafka', 'kafka.log'));
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
  await brokerReady(port, log);
}

/**
 * An open port is not a broker that serves: it answers metadata, and a topic it creates gets a leader,
 * only some seconds later. Returns once both hold (a first test would otherwise meet
 * UNKNOWN_TOPIC_OR_PARTITION).
 */
async function brokerReady(port: number, log: string, timeoutMs = 120_000) {
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: READINESS_TOPIC, numPartitions: 1 }],
      });
      const { topics } = await admin.fetchTopicMetadata({ topics: [READINESS_TOPIC] });
      if (topics[0]?.partitions.every((p) => p.leader >= 0)) return;
    } catch {
      // not yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`Kafka on port ${port} did not become ready; see ${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const downKafka = () => stopPidFile('kafka');
