package dev.fraudscore.node.kafka;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.domain.TransactionValidator;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.admission.Admission;
import dev.fraudscore.node.admission.StreamGate;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.Origin;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.json.DecisionJson;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes "transactions" and "labels" in the node's group. Each transaction goes through the same pipeline
 * as HTTP; records of one card are decided in order, different cards concurrently, up to {@code maxInFlight}
 * (then the consumer pauses). A record's offset becomes committable only when its decision is on
 * "decisions" and its audit row is durable. A record that fails for a reason a retry can cure (a dependency
 * briefly down, a claim left by a dead node) is retried with back-off for {@code kafka.retryForMs}; one that
 * cannot succeed (not a valid transaction, a conflicting transaction id, an unknown labelled transaction)
 * goes to the DLQ with the reason, and its partition moves on.
 */
public final class KafkaIngestVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestVerticle.class);
    /** How often records waiting for admission look for a place (a period, not a deadline). */
    private static final long GATE_POLL_MS = 2;

    private final NodeConfig.Kafka config;
    private final NodeConfig.Security security;
    private final String nodeId;
    private final MeterRegistry registry;
    private final TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
    private final OffsetTracker<TopicPartition> offsets = new OffsetTracker<>();
    private final Map<String, Future<Void>> cardTails = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private DeliveryOptions pipelineDelivery;
    private final Admission admission;
    private StreamGate gate;
    private boolean paused;
    private volatile boolean stopping;
    private volatile long lag;
    private final HazelcastInstance hazelcast;
    private IMap<String, Long> watermarks;
    /** Each assigned partition's watermark as this consumer knows it (read once from Hazelcast, raised on commit). */
    private final Map<TopicPartition, Future<Long>> known = new HashMap<>();

    public KafkaIngestVerticle(
            NodeConfig.Kafka config,
            NodeConfig.Security security,
            String nodeId,
            MeterRegistry registry,
            Admission admission,
            HazelcastInstance hazelcast) {
        this.security = security;
        this.hazelcast = hazelcast;
        this.config = config;
        this.nodeId = nodeId;
        this.registry = registry;
        this.admission = admission;
    }

    @Override
    public Future<?> start() {
        String clientId = nodeId + "-ingest-" + System.identityHashCode(this);
        pipelineDelivery =
                new DeliveryOptions().setSendTimeout(config.decideTimeoutMs()).setLocalOnly(true);
        gate = new StreamGate(vertx, admission, GATE_POLL_MS);
        watermarks = hazelcast.getMap(Maps.KAFKA_WATERMARKS);
        producer = KafkaProducer.create(vertx, KafkaClients.producer(config, clientId));
        consumer = KafkaConsumer.create(vertx, KafkaClients.consumer(config, clientId));
        consumer.exceptionHandler(e -> {
            if (!stopping) {
                LOG.warn("Kafka consumer error: {}", e.toString());
            }
        });
        consumer.partitionsRevokedHandler(parts -> {
            commit();
            parts.forEach(offsets::revoke);
            parts.forEach(known::remove);
        });
        consumer.handler(this::onRecord);
        vertx.setPeriodic(config.commitIntervalMs(), id -> commit());
        Gauge.builder("fraud.kafka.inflight", offsets, OffsetTracker::inFlight)
                .description("records being decided")
                .tag("client", clientId)
                .register(registry);
        Gauge.builder("fraud.admission.stream.waiting", gate, StreamGate::waiting)
                .description("stream records waiting for a place in the admission limit (never refused)")
                .tag("client", clientId)
                .register(registry);
        Gauge.builder("fraud.kafka.consumer.lag", this, v -> v.lag)
                .description("records behind the end of the assigned partitions")
                .tag("client", clientId)
                .register(registry);
        vertx.setPeriodic(config.lagPollMs(), id -> measureLag());
        return consumer.subscribe(
                Set.of(config.topics().transactions(), config.topics().labels()));
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        // the last offsets first; the consumer's poll loop reports errors while it is closed: they are expected
        // a broker that is reconnecting can leave a commit waiting for minutes: the close does not wait for it
        return commit().timeout(config.stageTimeoutMs(), TimeUnit.MILLISECONDS)
                .eventually(() -> Future.join(consumer.close(), producer.close()));
    }

    private void onRecord(KafkaConsumerRecord<String, String> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.started(tp, record.offset());
        if (!paused && offsets.inFlight() >= config.maxInFlight()) {
            paused = true;
            consumer.pause();
        }
        Future<Void> handled;
        try {
            JsonObject json = json(record);
            if (record.topic().equals(config.topics().labels())) {
                Label label = validator.parseLabel(json.getMap()).by(Origin.STREAM_CLIENT);
                handled = withRetries(
                        record,
                        () -> vertx.eventBus()
                                .request(Addresses.LABELS_APPLY, label, pipelineDelivery)
                                .mapEmpty());
            } else {
                handled = inCardOrder(record, validator.parse(json.getMap()));
            }
        } catch (ValidationException e) {
            handled = deadLetter(record, ApiError.of(e));
        }
        handled.onComplete(v -> done(tp, record));
    }

    private static JsonObject json(KafkaConsumerRecord<String, String> record) {
        Object parsed;
        try {
            parsed = record.value() == null ? null : Json.decodeValue(record.value());
        } catch (DecodeException e) {
            throw new ValidationException(null, "malformed_json", "record value is not valid JSON");
        }
        if (!(parsed instanceof JsonObject json)) {
            throw new ValidationException(null, "json_object", "record value must be a JSON object");
        }
        return json;
    }

    /** One card's records are decided in arrival order, so its velocity sees them in order. */
    private Future<Void> inCardOrder(KafkaConsumerRecord<String, String> record, Transaction tx) {
        String card = tx.cardId();
        Future<Void> previous = cardTails.getOrDefault(card, Future.succeededFuture());
        Future<Void> mine = previous.transform(ignored -> withRetries(record, () -> decide(record, tx)));
        cardTails.put(card, mine);
        mine.onComplete(ar -> {
            if (cardTails.get(card) == mine) {
                cardTails.remove(card);
            }
        });
        return mine;
    }

    /**
     * Decides one transaction, once the node has room for it, and publishes the decision on "decisions". Its
     * time is not a sample for the limit: it includes waiting for the audit row, which no caller waits for.
     */
    private Future<Void> decide(KafkaConsumerRecord<String, String> record, Transaction tx) {
        return watermark(new TopicPartition(record.topic(), record.partition()))
                .compose(watermark -> decide(tx, record.offset() < watermark, record.timestamp()));
    }

    /**
     * {@code redelivered}: the record's offset was committed before (a consumer group reset, a replay of the
     * partition): it was processed already, possibly so long ago that its id is no longer remembered; it is decided
     * again without counting it in the velocity state again (and its audit row, keyed by the transaction, stays one).
     */
    private Future<Void> decide(Transaction tx, boolean redelivered, long recordTimestamp) {
        return gate.enter().compose(ticket -> {
            // the record's own timestamp is when the stream took it (a consumer lagging behind still counts the
            // transaction when it happened); the producer's event time is used when close to it, or when trusted
            long received = recordTimestamp > 0 ? recordTimestamp : System.currentTimeMillis();
            Origin origin = Origin.of(
                    Origin.STREAM_CLIENT, tx, received, security.maxEventTimeSkewMs(), security.trustStreamEventTime());
            ScoreRequest fresh = new ScoreRequest(tx, Source.KAFKA, System.nanoTime(), origin);
            ScoreRequest request = redelivered ? fresh.counted() : fresh;
            return vertx.eventBus()
                    .<DecisionEvent>request(Addresses.PIPELINE_DECIDE, request, pipelineDelivery)
                    .map(Message::body)
                    .compose(event -> producer.send(KafkaProducerRecord.create(
                                    config.topics().decisions(),
                                    tx.cardId(),
                                    DecisionJson.event(event).encode()))
                            .<Void>mapEmpty())
                    .onComplete(ar -> ticket.ignored());
        });
    }

    /**
     * Runs {@code attempt} until it succeeds, retrying a failure that a retry can cure with capped exponential
     * back-off for {@code kafka.retryForMs}; a failure no retry can cure, or one that outlasts the window, goes
     * to the DLQ.
     */
    private Future<Void> withRetries(KafkaConsumerRecord<String, String> record, Supplier<Future<Void>> attempt) {
        return retry(record, attempt, 1, System.nanoTime());
    }

    private Future<Void> retry(
            KafkaConsumerRecord<String, String> record, Supplier<Future<Void>> attempt, int n, long firstNanos) {
        Future<Void> tried;
        try {
            tried = attempt.get();
        } catch (RuntimeException e) {
            tried = Future.failedFuture(e); // a bug must not lose the record silently: INTERNAL goes to the DLQ
        }
        return tried.recover(e -> {
            ApiError error = ApiError.of(e);
            long elapsedMs = (System.nanoTime() - firstNanos) / 1_000_000;
            if (!error.retryable()) {
                if (error.failure() == Failure.INTERNAL) {
                    LOG.error(
                            "record {}-{}@{} failed on a bug, to the DLQ",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e);
                }
                return deadLetter(record, error);
            }
            // a label is never dead-lettered for a transient failure (PostgreSQL down): it waits, its partition behind
            // it
            boolean label = record.topic().equals(config.topics().labels());
            if (!label && elapsedMs > config.retryForMs()) {
                LOG.error(
                        "record {}-{}@{} failed {} times over {} ms, to the DLQ: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        n,
                        elapsedMs,
                        e.toString());
                return deadLetter(record, error);
            }
            if (label && n % 50 == 0) {
                LOG.warn(
                        "label record {}-{}@{} still failing after {} ms ({}); retrying",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        elapsedMs,
                        e.toString());
            }
            long backoff = Math.min(50L << Math.min(n, 10), 1000);
            return vertx.timer(backoff).compose(v -> retry(record, attempt, n + 1, firstNanos));
        });
    }

    /** Consumer lag: the end offsets of the assigned partitions minus this consumer's positions. */
    private void measureLag() {
        consumer.assignment()
                .compose(parts -> parts.isEmpty()
                        ? Future.succeededFuture(0L)
                        : consumer.endOffsets(parts).compose(ends -> {
                            List<Future<Long>> behind = new ArrayList<>();
                            for (TopicPartition tp : parts) {
                                long end = ends.getOrDefault(tp, 0L);
                                behind.add(consumer.position(tp).map(position -> Math.max(0, end - position)));
                            }
                            return Future.all(behind)
                                    .map(all -> behind.stream()
                                            .mapToLong(Future::result)
                                            .sum());
                        }))
                .onSuccess(v -> lag = v)
                .onFailure(e -> LOG.debug("lag not measured: {}", e.toString()));
    }

    private void done(TopicPartition tp, KafkaConsumerRecord<String, String> record) {
        offsets.finished(tp, record.offset());
        if (paused && offsets.inFlight() <= config.maxInFlight() / 2) {
            paused = false;
            consumer.resume();
        }
    }

    /** Publishes the original record to the DLQ with the reason; completes when the DLQ has it. */
    private Future<Void> deadLetter(KafkaConsumerRecord<String, String> record, ApiError error) {
        LOG.info(
                "record {}-{}@{} to the DLQ: {} ({})",
                record.topic(),
                record.partition(),
                record.offset(),
                error.rule(),
                error.message());
        return producer.send(DeadLetters.of(config.topics().dlq(), record, error))
                .<Void>mapEmpty()
                .recover(e -> {
                    LOG.error(
                            "DLQ publish failed for {}-{}@{}: {}; retrying",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e.toString());
                    return vertx.timer(1000).compose(v -> deadLetter(record, error));
                });
    }

    private Future<Void> commit() {
        Map<TopicPartition, Long> positions = offsets.committable();
        if (positions.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        positions.forEach((tp, position) -> commit.put(tp, new OffsetAndMetadata(position, "")));
        return consumer.commit(commit)
                .<Void>mapEmpty()
                .onSuccess(v -> positions.forEach(this::raiseWatermark))
                .onFailure(e -> LOG.warn("offset commit failed: {}", e.toString()));
    }

    private static String watermarkKey(String groupId, TopicPartition tp) {
        return groupId + "/" + tp.getTopic() + "/" + tp.getPartition();
    }

    /** The partition's watermark: offsets below it were committed by this consumer group before. */
    private Future<Long> watermark(TopicPartition tp) {
        Future<Long> w = known.get(tp);
        if (w == null || w.failed()) {
            w = OnContext.future(
                            watermarks.getAsync(watermarkKey(config.groupId(), tp)), context, config.stageTimeoutMs())
                    .map(v -> v == null ? -1L : v);
            known.put(tp, w);
        }
        return w;
    }

    private void raiseWatermark(TopicPartition tp, long position) {
        OnContext.future(
                        watermarks.submitToKey(watermarkKey(config.groupId(), tp), new RaiseWatermark(position)),
                        context,
                        config.stageTimeoutMs())
                .onSuccess(w -> known.put(tp, Future.succeededFuture(w)))
                .onFailure(e -> LOG.debug("watermark of {} not raised: {}", tp, e.toString()));
    }
}
