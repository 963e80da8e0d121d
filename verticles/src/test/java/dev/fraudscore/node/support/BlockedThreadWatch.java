package dev.fraudscore.node.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Logback appender (wired in logback-test.xml to Vert.x's BlockedThreadChecker logger) that remembers
 * every "thread blocked" warning, so integration tests can assert that no event loop was ever blocked.
 */
public final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {
    private static final List<String> WARNINGS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        WARNINGS.add(event.getFormattedMessage());
    }

    public static List<String> warnings() {
        return List.copyOf(WARNINGS);
    }
}
