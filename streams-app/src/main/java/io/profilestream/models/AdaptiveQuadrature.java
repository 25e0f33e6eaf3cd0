package io.profilestream.models;

import java.util.PriorityQueue;
import java.util.function.DoubleUnaryOperator;

/**
 * Globally adaptive Gauss-Kronrod (7/15 points) integration of a smooth function on a finite interval.
 * Written here rather than taken from Hipparchus because Hipparchus's integrators refine the whole interval
 * uniformly, while the integrands of this package have narrow features (a sharp peak of width 1e-3 inside an
 * interval of length 50) that only local bisection resolves at a reasonable cost.
 * The nodes and weights are those of QUADPACK's QK15.
 */
final class AdaptiveQuadrature {

    private static final double[] XGK = {
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0};
    private static final double[] WGK = {
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
    private static final double[] WG = {
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

    private AdaptiveQuadrature() {
    }

    /**
     * Integrates f over [breakpoints[0], breakpoints[last]], starting from the given panels.
     *
     * @param f a finite, non-negative integrand
     * @param breakpoints increasing panel boundaries
     * @param relativeTolerance target error relative to the integral
     * @param maxPanels bound on the number of panels (the estimate so far is returned when reached)
     */
    static double integrate(final DoubleUnaryOperator f,
                            final double[] breakpoints,
                            final double relativeTolerance,
                            final int maxPanels) {
        final PriorityQueue<Panel> panels =
            new PriorityQueue<>((left, right) -> Double.compare(right.error, left.error));
        double total = 0.0;
        double error = 0.0;
        for (int i = 0; i + 1 < breakpoints.length; i++) {
            if (breakpoints[i + 1] > breakpoints[i]) {
                final Panel panel = panel(f, breakpoints[i], breakpoints[i + 1]);
                panels.add(panel);
                total += panel.value;
                error += panel.error;
            }
        }
        while (error > relativeTolerance * Math.abs(total) && panels.size() < maxPanels && !panels.isEmpty()) {
            final Panel worst = panels.poll();
            final double middle = 0.5 * (worst.from + worst.to);
            if (!(middle > worst.from && middle < worst.to)) {
                panels.add(new Panel(worst.from, worst.to, worst.value, 0.0));
                error -= worst.error;
                continue;
            }
            final Panel left = panel(f, worst.from, middle);
            final Panel right = panel(f, middle, worst.to);
            panels.add(left);
            panels.add(right);
            total += left.value + right.value - worst.value;
            error += left.error + right.error - worst.error;
        }
        // Re-add the values so the rounding of the running total does not accumulate.
        double sum = 0.0;
        for (final Panel panel : panels) {
            sum += panel.value;
        }
        return sum;
    }

    private static Panel panel(final DoubleUnaryOperator f, final double from, final double to) {
        final double center = 0.5 * (from + to);
        final double half = 0.5 * (to - from);
        final double fc = f.applyAsDouble(center);
        double kronrod = fc * WGK[7];
        double gauss = fc * WG[3];
        for (int j = 0; j < 7; j++) {
            final double dx = half * XGK[j];
            final double sum = f.applyAsDouble(center - dx) + f.applyAsDouble(center + dx);
            kronrod += WGK[j] * sum;
            if (j % 2 == 1) {
                gauss += WG[j / 2] * sum;
            }
        }
        kronrod *= half;
        gauss *= half;
        return new Panel(from, to, kronrod, Math.abs(kronrod - gauss));
    }

    private record Panel(double from, double to, double value, double error) {
    }
}
