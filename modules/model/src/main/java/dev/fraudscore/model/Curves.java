package dev.fraudscore.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import javax.imageio.ImageIO;

/** ROC and precision-recall curves of a scored test set, drawn as PNG images (headless Java2D). */
final class Curves {
    private static final int W = 640, H = 520, LEFT = 70, RIGHT = 20, TOP = 50, BOTTOM = 60;

    private Curves() {}

    /** Points (x, y) of the ROC curve (false-positive rate, true-positive rate), one per distinct threshold. */
    static double[][] roc(float[] scores, int[] labels) {
        return sweep(scores, labels, true);
    }

    /** Points (recall, precision), one per distinct threshold. */
    static double[][] precisionRecall(float[] scores, int[] labels) {
        return sweep(scores, labels, false);
    }

    private static double[][] sweep(float[] scores, int[] labels, boolean roc) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = labels.length - positives;
        double[][] points = new double[scores.length + 1][];
        int n = 0;
        points[n++] = roc ? new double[] {0, 0} : new double[] {0, 1};
        long tp = 0, fp = 0;
        for (int i = 0; i < order.length; i++) {
            if (labels[order[i]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (i + 1 < order.length && scores[order[i + 1]] == scores[order[i]]) {
                continue;
            }
            points[n++] = roc
                    ? new double[] {(double) fp / negatives, (double) tp / positives}
                    : new double[] {(double) tp / positives, (double) tp / (tp + fp)};
        }
        return Arrays.copyOf(points, n);
    }

    static void draw(Path file, String title, String xLabel, String yLabel, double[][] points, double[][] reference)
            throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 10; i++) {
            int x = LEFT + pw * i / 10, y = TOP + ph - ph * i / 10;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP, x, TOP + ph);
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(Color.DARK_GRAY);
            String v = String.format("%.1f", i / 10.0);
            g.drawString(v, x - 8, TOP + ph + 18);
            g.drawString(v, LEFT - 30, y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(xLabel, LEFT + pw / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 20);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + ph / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 22);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 30);
        if (reference != null) {
            g.setColor(Color.GRAY);
            g.setStroke(
                    new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
            g.draw(path(reference, pw, ph));
        }
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(2.2f));
        g.draw(path(points, pw, ph));
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Path2D path(double[][] points, int pw, int ph) {
        Path2D p = new Path2D.Double();
        for (int i = 0; i < points.length; i++) {
            double x = LEFT + points[i][0] * pw, y = TOP + ph - points[i][1] * ph;
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        return p;
    }
}
