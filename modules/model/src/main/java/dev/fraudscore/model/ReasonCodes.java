package dev.fraudscore.model;

import dev.fraudscore.domain.Reason;
import dev.fraudscore.features.Feature;
import java.util.ArrayList;
import java.util.List;

/** Maps a row's feature contributions to the stable reason codes of the features that raised the score most. */
public final class ReasonCodes {
    private ReasonCodes() {}

    /** The {@code k} largest positive contributions, largest first; the bias column is never a reason. */
    public static List<Reason> top(float[] row, float[] contributions, int k) {
        List<Reason> out = new ArrayList<>(k);
        boolean[] taken = new boolean[Feature.COUNT];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int f = 0; f < Feature.COUNT; f++) {
                if (!taken[f] && contributions[f] > 0 && (best < 0 || contributions[f] > contributions[best])) {
                    best = f;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            // Float.toString keeps the shortest decimal that round-trips (249.9, not 249.89999389648438)
            out.add(new Reason(
                    Feature.ORDER.get(best).reasonCode(),
                    Double.parseDouble(Float.toString(row[best])),
                    contributions[best]));
        }
        return out;
    }
}
