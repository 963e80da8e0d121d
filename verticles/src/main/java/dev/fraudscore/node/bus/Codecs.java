package dev.fraudscore.node.bus;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.ScoreResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one place where the bus's message types get their codecs. Within a JVM the records pass by
 * reference (they are immutable); across the cluster they travel Java-serialized.
 */
public final class Codecs {
    private static final List<Class<? extends Serializable>> TYPES = List.of(
            ScoreRequest.class,
            FeatureVector.class,
            ScoreResult.class,
            Decision.class,
            DecisionEvent.class,
            Label.class,
            LabelResult.class,
            ModelChange.class);

    private Codecs() {}

    public static void register(Vertx vertx) {
        EventBus bus = vertx.eventBus();
        for (Class<? extends Serializable> type : TYPES) {
            register(bus, type);
        }
    }

    private static <T extends Serializable> void register(EventBus bus, Class<T> type) {
        bus.registerDefaultCodec(type, new RecordCodec<>(type));
    }

    /** Cluster peers are trusted, but deserialization still admits only our records and JDK value types. */
    private static final ObjectInputFilter ONLY_OURS = ObjectInputFilter.Config.createFilter(
            "dev.fraudscore.**;java.lang.*;java.util.*;java.time.*;java.math.*;[F;!*");

    static final class RecordCodec<T extends Serializable> implements MessageCodec<T, T> {
        private final Class<T> type;

        RecordCodec(Class<T> type) {
            this.type = type;
        }

        @Override
        public void encodeToWire(Buffer buffer, T value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            buffer.appendInt(bytes.size()).appendBytes(bytes.toByteArray());
        }

        @Override
        public T decodeFromWire(int pos, Buffer buffer) {
            int length = buffer.getInt(pos);
            byte[] bytes = buffer.getBytes(pos + 4, pos + 4 + length);
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                in.setObjectInputFilter(ONLY_OURS);
                return type.cast(in.readObject());
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("cannot decode " + type.getSimpleName() + " from the wire", e);
            }
        }

        @Override
        public T transform(T value) {
            return value;
        }

        @Override
        public String name() {
            return "fraud." + type.getSimpleName();
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
