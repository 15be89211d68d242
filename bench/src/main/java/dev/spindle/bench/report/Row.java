package dev.spindle.bench.report;

import dev.spindle.bench.cases.Result;

/**
 * One case on one peer.
 *
 * @param caseName      case.
 * @param unit          unit of the value.
 * @param lowerIsBetter whether lower values win.
 * @param peer          peer.
 * @param result        what it measured.
 * @param seconds       wall time of the measured run.
 */
public record Row(String caseName, String unit, boolean lowerIsBetter, String peer, Result result, double seconds)
{
}
