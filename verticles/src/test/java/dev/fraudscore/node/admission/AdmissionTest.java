package dev.fraudscore.node.admission;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.node.admission.Admission.Lane;
import dev.fraudscore.node.config.NodeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static NodeConfig.Admission fixed(int limit, double streamShare) {
        return new NodeConfig.Admission(false, 1, limit, limit, 2.0, 100, streamShare);
    }

    private static List<Admission.Ticket> take(Admission a, Lane lane, int n) {
        List<Admission.Ticket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<Admission.Ticket> t = a.tryAcquire(lane);
            if (t.isEmpty()) {
                break;
            }
            out.add(t.get());
        }
        return out;
    }

    @Test
    void bothLanesMayUseTheWholeLimitWhileTheNodeHasRoom() {
        Admission a = new Admission(fixed(40, 0.25));
        assertEquals(40, take(a, Lane.STREAM, 100).size(), "a stream backlog fills an otherwise idle node");
        assertTrue(a.tryAcquire(Lane.STREAM).isEmpty());
        Admission b = new Admission(fixed(40, 0.25));
        assertEquals(40, take(b, Lane.INTERACTIVE, 100).size());
    }

    @Test
    void onceFullEachLaneKeepsItsShare() {
        Admission a = new Admission(fixed(40, 0.25));
        List<Admission.Ticket> stream = take(a, Lane.STREAM, 40);
        assertEquals(40, stream.size());
        // the node is full of stream records: as they finish, authorize-checks get places up to their share (30)
        for (int i = 0; i < 30; i++) {
            stream.get(i).ignored();
        }
        assertEquals(30, take(a, Lane.INTERACTIVE, 100).size());
        assertTrue(a.tryAcquire(Lane.STREAM).isEmpty(), "stream holds 10 = its share while the node is full");
        assertEquals(40, a.inFlight());
    }

    @Test
    void aTicketIsReleasedOnceWhateverHappens() {
        Admission a = new Admission(fixed(2, 0.5));
        Admission.Ticket t = a.tryAcquire(Lane.INTERACTIVE).orElseThrow();
        t.decided();
        t.dropped();
        t.ignored();
        assertEquals(0, a.inFlight());
    }

    @Test
    void theAdaptiveLimitStartsAtItsInitialValueAndNeverRefusesBelowItsFloor() {
        Admission a = new Admission(new NodeConfig.Admission(true, 64, 1024, 512, 2.0, 100, 0.25));
        assertEquals(512, a.limit());
        assertEquals(64, take(a, Lane.INTERACTIVE, 64).size());
    }
}
