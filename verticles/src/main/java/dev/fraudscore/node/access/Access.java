package dev.fraudscore.node.access;

import dev.fraudscore.node.access.ApiKeys.Client;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.failure.ApiError;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.http.HttpErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who may call a route: {@code Authorization: Bearer <key>} names a client through its key, or (mTLS) the CN of the
 * client certificate names it and it holds the roles of its keys in force; with both they must name the same
 * client. The client must hold the route's role. A missing, unknown or revoked key is {@code 401 unauthenticated}; a key without the role
 * {@code 403 forbidden}; a client over its rate (a token bucket per key on each node) {@code 429 rate_limited} with
 * {@code Retry-After}. Every refusal is counted per client ({@code fraud_auth_refused_total{client,rule}}; the
 * client is {@code anonymous} without a key and {@code unknown} for a key that is not in force).
 */
public final class Access {
    /** The routing context key under which the authenticated {@link Client} is put. */
    public static final String CLIENT = "fraud.client";

    private final ApiKeys keys;
    private final MeterRegistry registry;
    private final Map<Long, TokenBucket> buckets = new ConcurrentHashMap<>();

    public Access(ApiKeys keys, MeterRegistry registry) {
        this.keys = keys;
        this.registry = registry;
    }

    /** A route handler that lets through only a client holding {@code role}. */
    public PlatformHandler require(Role role) {
        return ctx -> {
            String certified = certificateName(ctx);
            String header = ctx.request().getHeader("Authorization");
            Client client;
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                client = certified == null ? null : keys.byName(certified);
                if (client == null) {
                    refuse(
                            ctx,
                            Failure.UNAUTHENTICATED,
                            certified == null ? "anonymous" : "unknown",
                            certified == null
                                    ? "send Authorization: Bearer <API key>"
                                    : "the client certificate names " + certified + ", which has no key in force");
                    return;
                }
            } else {
                client = keys.find(header.substring(7).trim());
                if (client == null) {
                    refuse(ctx, Failure.UNAUTHENTICATED, "unknown", "the API key is not known or was revoked");
                    return;
                }
                if (certified != null && !certified.equals(client.name())) {
                    refuse(
                            ctx,
                            Failure.FORBIDDEN,
                            client.name(),
                            "the client certificate names " + certified + " but the key belongs to " + client.name());
                    return;
                }
            }
            if (!client.roles().contains(role)) {
                refuse(
                        ctx,
                        Failure.FORBIDDEN,
                        client.name(),
                        "client " + client.name() + " lacks the role " + role.wire());
                return;
            }
            if (client.ratePerSecond() > 0 && !bucket(client).take()) {
                refuse(
                        ctx,
                        Failure.RATE_LIMITED,
                        client.name(),
                        "client " + client.name() + " is over its rate of " + client.ratePerSecond()
                                + " requests/s (burst " + client.burst() + "); retry after Retry-After");
                return;
            }
            ctx.put(CLIENT, client);
            ctx.next();
        };
    }

    /** The CN of the client certificate the connection was opened with (mTLS), or null. */
    private static String certificateName(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        if (!connection.isSsl()) {
            return null;
        }
        try {
            List<Certificate> chain = connection.peerCertificates();
            if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate x509)) {
                return null;
            }
            for (Rdn rdn : new LdapName(x509.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null; // no client certificate (TLS without client authentication)
        }
    }

    /** The key's bucket on this node; a new one when its rate or burst changed. */
    private TokenBucket bucket(Client client) {
        return buckets.compute(
                client.id(),
                (id, b) -> b != null && b.matches(client.ratePerSecond(), client.burst())
                        ? b
                        : new TokenBucket(client.ratePerSecond(), client.burst()));
    }

    private void refuse(RoutingContext ctx, Failure failure, String client, String message) {
        Counter.builder("fraud.auth.refused")
                .description("requests refused for their credentials, by client and rule")
                .tag("client", client)
                .tag("rule", failure.rule())
                .register(registry)
                .increment();
        if (failure == Failure.UNAUTHENTICATED) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fraudscore\"");
        }
        HttpErrors.respond(ctx, ApiError.of(failure, "Authorization", message));
    }
}
