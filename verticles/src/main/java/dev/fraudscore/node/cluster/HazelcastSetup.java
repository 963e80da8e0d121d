package dev.fraudscore.node.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.fraudscore.node.config.NodeConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.function.BooleanSupplier;

/**
 * The Hazelcast member each node embeds: vertx-hazelcast's default config (which carries the maps
 * Vert.x itself needs), TCP-IP join on the configured members with multicast and auto-detection off, a member
 * endpoint only (no Hazelcast client can connect), a Java deserialization allow-list, and the platform's maps with
 * synchronous backups and expiry.
 */
public final class HazelcastSetup {
    /** The split-brain protection of the velocity and idempotency maps. */
    public static final String QUORUM = "fraud-quorum";

    private HazelcastSetup() {}

    /** Whether this member's side of the cluster has its quorum now (always, when none is configured). */
    public static BooleanSupplier quorumPresent(HazelcastInstance hazelcast) {
        SplitBrainProtection protection;
        try {
            protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(QUORUM);
        } catch (IllegalArgumentException e) {
            return () -> true;
        }
        return protection::hasMinimumSize;
    }

    public static Config config(NodeConfig node) {
        NodeConfig.Cluster cluster = node.cluster();
        Config c = ConfigUtil.loadConfig();
        c.setClusterName(cluster.name());
        c.setInstanceName("fraudscore-" + node.nodeId());
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a silent member is taken out after memberTimeoutSeconds; the sides of a split look for each other (and
        // merge) every mergeDelaySeconds
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(cluster.memberTimeoutSeconds()));
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(cluster.mergeDelaySeconds()));
        c.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(cluster.mergeDelaySeconds()));
        int quorum = cluster.effectiveQuorum();
        if (quorum > 1) { // one member alone is always its own majority
            // split-brain protection by member count: a side whose member list holds fewer than the quorum neither
            // reads nor writes the velocity and idempotency maps, so it cannot diverge
            c.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(QUORUM, true, quorum)
                    .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
        }

        // Java-serialized objects a member accepts from the network: the platform's and the libraries' own types and
        // JDK value types only; anything else is refused unread. Hazelcast's defaults are off: they allow every java.*
        // class (its gadget blocklist is then moot: nothing outside the list is resolved)
        ClassFilter allowed = new ClassFilter()
                .addPrefixes("dev.fraudscore.", "io.vertx.", "com.hazelcast.", "java.lang.", "java.util.", "java.time.")
                .addPrefixes("java.math.", "[");
        c.getSerializationConfig()
                .setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                        .setDefaultsDisabled(true)
                        .setWhitelist(allowed));

        // members only: the advanced network with a member endpoint and no client endpoint, so that no Hazelcast
        // client (which would need no membership to read and change every map) can connect to a node
        AdvancedNetworkConfig network = c.getAdvancedNetworkConfig().setEnabled(true);
        ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
        member.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(100);
        if (cluster.host().equals("*")) {
            // containers: the address is not known in advance; bind every interface
            c.setProperty("hazelcast.socket.bind.any", "true");
            member.getInterfaces().setEnabled(false);
        } else {
            c.setProperty("hazelcast.socket.bind.any", "false");
            member.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
        }
        network.setMemberEndpointConfig(member);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());

        NodeConfig.Features f = node.features();
        for (String name : new String[] {Maps.CARD_VELOCITY, Maps.TERMINAL_VELOCITY}) {
            c.addMapConfig(new MapConfig(name)
                    .setBackupCount(f.backupCount())
                    .setInMemoryFormat(InMemoryFormat.OBJECT)
                    .setMaxIdleSeconds(f.maxIdleSeconds())
                    .setSplitBrainProtectionName(quorum > 1 ? QUORUM : null)
                    .setMergePolicyConfig(new MergePolicyConfig(VelocityMergePolicy.class.getName(), 100)));
        }
        // bounded: at most maxEntriesPerNode ids per member (primaries and backups), the least recently used
        // evicted first; an id evicted before its TTL is decided afresh if it comes again (velocity and the audit
        // key still count and record it once)
        c.addMapConfig(new MapConfig(Maps.IDEMPOTENCY)
                .setBackupCount(f.backupCount())
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setTimeToLiveSeconds(node.idempotency().ttlSeconds())
                .setSplitBrainProtectionName(quorum > 1 ? QUORUM : null)
                .setMergePolicyConfig(new MergePolicyConfig(IdempotencyMergePolicy.class.getName(), 100))
                .setEvictionConfig(new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(node.idempotency().maxEntriesPerNode())));
        return c;
    }
}
