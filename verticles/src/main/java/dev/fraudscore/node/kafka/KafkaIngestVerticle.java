package dev.fraudscore.node.kafka;

import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.domain.TransactionValidator;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.bus.ScoreRequest;
import dev.fraudscore.node.bus.Source;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.json.DecisionJson;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes "transactions" in the node's group and sends each record through the same pipeline as HTTP.
 * Records of one card are decided in order; different cards concurrently, up to {@code maxInFlight}
 * (then the consumer pauses). A record's offset becomes committable only when its decision is on
 * "decisions" and its audit row is durable. A record that is not a valid transaction, or whose
 * transaction id conflicts, goes to the DLQ with the reason, and its partition moves on.
 */
public final class KafkaIngestVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestVerticle.class);
    /** Past the takeover of a dead node's claim (features.inProgressStaleMs), a record may still wait this long. */
    private static final long RETRY_MARGIN_MS = 15_000;

    private final NodeConfig config;
    private final TransactionValidator validator = new TransactionValidator(Clock.systemUTC());
    private final OffsetTracker<TopicPartition> offsets = new OffsetTracker<>();
    private final Map<String, Future<Void>> cardTails = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private DeliveryOptions pipelineDelivery;
    private boolean paused;

    private final io.micrometer.core.instrument.MeterRegistry registry;
    private volatile long lag;

    public KafkaIngestVerticle(NodeConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Override
    public Future<?> start() {
        String clientId = config.nodeId() + "-ingest-" + System.identityHashCode(this);
        pipelineDelivery = new DeliveryOptions().setSendTimeout(60_000).setLocalOnly(true);
        producer = KafkaProducer.create(vertx, KafkaClients.producer(config.kafka(), clientId));
        consumer = KafkaConsumer.create(vertx, KafkaClients.consumer(config.kafka(), clientId));
        consumer.exceptionHandler(e -> LOG.warn("Kafka consumer error: {}", e.toString()));
        consumer.partitionsRevokedHandler(parts -> {
            commit();
            parts.forEach(offsets::revoke);
        });
        consumer.handler(this::onRecord);
        vertx.setPeriodic(config.kafka().commitIntervalMs(), id -> commit());
        io.micrometer.core.instrument.Gauge.builder("fraud.kafka.inflight", offsets, OffsetTracker::inFlight)
                .description("records being decided")
                .tag("client", clientId)
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("fraud.kafka.consumer.lag", this, v -> v.lag)
                .description("records behind the end of the assigned partitions")
                .tag("client", clientId)
                .register(registry);
        vertx.setPeriodic(5000, id -> measureLag());
        return consumer.subscribe(java.util.Set.of(
                config.kafka().topics().transactions(), config.kafka().topics().labels()));
    }

    @Override
    public Future<?> stop() {
        commit();
        return Future.join(consumer.close(), producer.close());
    }

    private void onRecord(KafkaConsumerRecord<String, String> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.started(tp, record.offset());
        if (!paused && offsets.inFlight() >= config.kafka().maxInFlight()) {
            paused = true;
            consumer.pause();
        }
        boolean isLabel = record.topic().equals(config.kafka().topics().labels());
        Transaction tx;
        try {
            Object parsed = record.value() == null ? null : Json.decodeValue(record.value());
            if (!(parsed instanceof JsonObject json)) {
                deadLetter(record, "json_object", null, "record value must be a JSON object")
                        .onComplete(v -> done(tp, record));
                return;
            }
            if (isLabel) {
                Label label = validator.parseLabel(json.getMap());
                vertx.eventBus()
                        .<LabelResult>request(Addresses.LABELS_APPLY, label, pipelineDelivery)
                        .<Void>mapEmpty()
                        .recover(e -> deadLetter(record, "label_failed", "transactionId", e.getMessage()))
                        .onComplete(v -> done(tp, record));
                return;
            }
            tx = validator.parse(json.getMap());
        } catch (DecodeException e) {
            deadLetter(record, "malformed_json", null, "record value is not valid JSON")
                    .onComplete(v -> done(tp, record));
            return;
        } catch (ValidationException e) {
            deadLetter(record, e.rule(), e.field(), e.getMessage()).onComplete(v -> done(tp, record));
            return;
        }
        // one card's records are decided in arrival order, so its velocity sees them in order
        String card = tx.cardId();
        Future<Void> previous = cardTails.getOrDefault(card, Future.succeededFuture());
        Future<Void> mine = previous.transform(ignored -> process(record, tx, 1, System.nanoTime()));
        cardTails.put(card, mine);
        mine.onComplete(ar -> {
            if (cardTails.get(card) == mine) {
                cardTails.remove(card);
            }
            done(tp, record);
        });
    }

    /**
     * Decides one record, retrying transient failures with capped exponential back-off for as long as a
     * claim left by a dead node can take to be taken over, plus a margin; only then to the DLQ.
     */
    private Future<Void> process(
            KafkaConsumerRecord<String, String> record, Transaction tx, int attempt, long firstNanos) {
        ScoreRequest request = new ScoreRequest(tx, tx.fingerprint(), Source.KAFKA, System.nanoTime());
        return vertx.eventBus()
                .<DecisionEvent>request(Addresses.PIPELINE_DECIDE, request, pipelineDelivery)
                .map(Message::body)
                .compose(event -> producer.send(KafkaProducerRecord.create(
                                config.kafka().topics().decisions(),
                                tx.cardId(),
                                DecisionJson.event(event).encode()))
                        .<Void>mapEmpty())
                .recover(e -> {
                    int code = e instanceof ReplyException re ? re.failureCode() : -1;
                    if (code == dev.fraudscore.node.bus.Codes.CONFLICT
                            && e.getMessage().startsWith("idempotency_conflict")) {
                        return deadLetter(record, "idempotency_conflict", "transactionId", e.getMessage());
                    }
                    long elapsedMs = (System.nanoTime() - firstNanos) / 1_000_000;
                    if (elapsedMs > config.features().inProgressStaleMs() + RETRY_MARGIN_MS) {
                        LOG.error(
                                "record {}-{}@{} failed {} times over {} ms, to DLQ: {}",
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                attempt,
                                elapsedMs,
                                e.toString());
                        return deadLetter(record, "processing_failed", null, e.getMessage());
                    }
                    long backoff = Math.min(50L << Math.min(attempt, 10), 1000);
                    return vertx.timer(backoff).compose(v -> process(record, tx, attempt + 1, firstNanos));
                });
    }

    /** Consumer lag: the end offsets of the assigned partitions minus this consumer's positions. */
    private void measureLag() {
        consumer.assignment()
                .compose(parts -> parts.isEmpty()
                        ? Future.succeededFuture(0L)
                        : consumer.endOffsets(parts).compose(ends -> {
                            List<Future<Long>> behind = new java.util.ArrayList<>();
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
        if (paused && offsets.inFlight() <= config.kafka().maxInFlight() / 2) {
            paused = false;
            consumer.resume();
        }
    }

    /** Publishes the original record to the DLQ with the reason; completes when the DLQ has it. */
    private Future<Void> deadLetter(
            KafkaConsumerRecord<String, String> record, String rule, String field, String message) {
        JsonObject reason = new JsonObject()
                .put("error", message)
                .put("rule", rule)
                .put("field", field)
                .put("topic", record.topic())
                .put("partition", record.partition())
                .put("offset", record.offset())
                .put("record", record.value());
        KafkaProducerRecord<String, String> dlq =
                KafkaProducerRecord.create(config.kafka().topics().dlq(), record.key(), reason.encode());
        dlq.addHeaders(List.of(
                KafkaHeader.header("fraud.error.rule", rule),
                KafkaHeader.header("fraud.error.field", field == null ? "" : field)));
        LOG.info("record {}-{}@{} to DLQ: {}", record.topic(), record.partition(), record.offset(), message);
        return producer.send(dlq).<Void>mapEmpty().recover(e -> {
            LOG.error(
                    "DLQ publish failed for {}-{}@{}: {}; retrying",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.toString());
            return vertx.timer(1000).compose(v -> deadLetter(record, rule, field, message));
        });
    }

    private void commit() {
        Map<TopicPartition, Long> positions = offsets.committable();
        if (positions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        positions.forEach((tp, position) -> commit.put(tp, new OffsetAndMetadata(position, "")));
        consumer.commit(commit).onFailure(e -> LOG.warn("offset commit failed: {}", e.toString()));
    }
}
