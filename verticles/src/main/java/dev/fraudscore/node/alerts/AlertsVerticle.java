package dev.fraudscore.node.alerts;

import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.config.NodeConfig;
import dev.fraudscore.node.json.DecisionJson;
import dev.fraudscore.node.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every REVIEW and DECLINE, with its reasons and transaction, on Kafka "fraud-alerts" (keyed by
 * card) and on the cluster-wide event-bus feed {@link Addresses#CLUSTER_ALERTS_FEED}.
 */
public final class AlertsVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(AlertsVerticle.class);
    private final NodeConfig.Kafka config;
    private final String nodeId;
    private KafkaProducer<String, String> producer;

    public AlertsVerticle(NodeConfig.Kafka config, String nodeId) {
        this.config = config;
        this.nodeId = nodeId;
    }

    @Override
    public Future<?> start() {
        producer = KafkaProducer.create(vertx, KafkaClients.producer(config, nodeId + "-alerts"));
        return vertx.eventBus()
                .<DecisionEvent>localConsumer(Addresses.ALERTS_RAISE, this::raise)
                .completion();
    }

    @Override
    public Future<?> stop() {
        return producer.close();
    }

    private void raise(Message<DecisionEvent> message) {
        DecisionEvent event = message.body();
        // the live feed: every node's subscribers (analyst consoles) see every node's alerts
        vertx.eventBus().publish(Addresses.CLUSTER_ALERTS_FEED, event);
        String json = DecisionJson.event(event).encode();
        producer.send(KafkaProducerRecord.create(
                        config.topics().alerts(), event.transaction().cardId(), json))
                .onFailure(e -> LOG.error(
                        "alert for {} not published: {}", event.transaction().transactionId(), e.toString()));
    }
}
