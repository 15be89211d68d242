// Draws the benchmark report's charts with uPlot from the specs Html.java writes into CHARTS:
//   {id, kind: "bars" | "lines" | "dots", unit, log, categories: [...],
//    bars:  values: [...], colors: [...]            (one bar per category, coloured by runtime)
//    lines/dots: series: [{name, color, values: [...], dash}], goal: number or null}
// Titles, "lower/higher is better" and the runtime colour key are HTML around each chart; uPlot's
// own legend (lines, dots) sits below the plot. Nothing here fetches anything.
(function () {
  "use strict";

  function fmt(v) {
    if (v == null || !isFinite(v)) return "";
    const a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toPrecision(3) + "G";
    if (a >= 1e6) return +(v / 1e6).toPrecision(3) + "M";
    if (a >= 1e4) return +(v / 1e3).toPrecision(3) + "k";
    if (a >= 100) return Math.round(v).toString();
    return (+v.toPrecision(3)).toString();
  }

  const FONT = "12px system-ui, sans-serif";
  const AXIS = {stroke: "#444", font: FONT, grid: {stroke: "#e6e6e6", width: 1}, ticks: {stroke: "#ccc", width: 1}};

  // On a log scale, grid lines and labels at powers of ten only: the 2..9 lines are noise.
  function logSplits(u, axisIdx, min, max) {
    const out = [];
    for (let p = Math.floor(Math.log10(min)); p <= Math.ceil(Math.log10(max)); p++) {
      const v = Math.pow(10, p);
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
    return out;
  }

  function valueAxis(spec, side) {
    return Object.assign({}, AXIS, {
      side: side,
      splits: spec.log ? logSplits : undefined,
      label: spec.unit + (spec.log ? " (log scale)" : ""),
      labelFont: FONT,
      labelSize: 20,
      size: side === 2 ? 40 : 56,
      space: side === 2 ? 64 : 30,
      values: (u, splits) => splits.map(fmt),
    });
  }

  function categoryAxis(cats, side, size) {
    return Object.assign({}, AXIS, {
      side: side,
      size: size,
      grid: {show: false},
      ticks: {show: false},
      splits: () => cats.map((_, i) => i),
      values: (u, splits) => splits.map(i => cats[i] == null ? "" : cats[i]),
    });
  }

  function valueRange(spec, values) {
    const finite = values.filter(v => v != null && isFinite(v) && (!spec.log || v > 0));
    let lo = Math.min.apply(null, finite.concat(spec.goal != null ? [spec.goal] : []));
    let hi = Math.max.apply(null, finite.concat(spec.goal != null ? [spec.goal] : []));
    if (!isFinite(lo)) { lo = 1; hi = 10; }
    if (spec.log) {
      return [Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi * 1.05)))];
    }
    return [0, hi * 1.15 || 1];
  }

  // Horizontal bars, one per runtime, each in its runtime's colour, the value written at its end.
  function bars(el, spec, width) {
    const cats = spec.categories;
    const range = valueRange(spec, spec.values);
    const opts = {
      width: width,
      height: 46 + 24 * cats.length,
      legend: {show: false},
      cursor: {show: false},
      padding: [8, 48, 0, 0],
      scales: {
        x: {time: false, ori: 1, dir: -1, range: [-0.5, cats.length - 0.5]},
        y: {ori: 0, distr: spec.log ? 3 : 1, range: () => range},
      },
      axes: [categoryAxis(cats, 3, 112), valueAxis(spec, 2)],
      series: [{}, {
        width: 0,
        fill: "#999",
        points: {show: false},
        paths: uPlot.paths.bars({size: [0.72, 22], disp: {fill: {unit: 3, values: () => spec.colors}}}),
      }],
      hooks: {draw: [u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.font = Math.round(11 * devicePixelRatio) + "px system-ui, sans-serif";
        ctx.textAlign = "left"; // uPlot leaves the axes' alignment set
        ctx.textBaseline = "middle";
        ctx.lineWidth = 3 * devicePixelRatio;
        ctx.strokeStyle = "#fff";
        ctx.fillStyle = "#222";
        spec.values.forEach((v, i) => {
          if (v == null) return;
          const x = u.valToPos(v, "y", true) + 6 * devicePixelRatio;
          const y = u.valToPos(i, "x", true);
          ctx.strokeText(fmt(v), x, y);
          ctx.fillText(fmt(v), x, y);
        });
        ctx.restore();
      }]},
    };
    return new uPlot(opts, [cats.map((_, i) => i), spec.values], el);
  }

  // A line per runtime across categories, the legend below the plot.
  function lines(el, spec, width) {
    const cats = spec.categories;
    const all = [].concat.apply([], spec.series.map(s => s.values));
    const range = valueRange(spec, all);
    const opts = {
      width: width,
      height: spec.height || 300,
      legend: {show: true, live: false},
      cursor: {points: {size: 8}},
      padding: [12, 16, 0, 0],
      scales: {
        x: {time: false, range: [-0.4, cats.length - 0.6]},
        y: {distr: spec.log ? 3 : 1, range: () => range},
      },
      axes: [categoryAxis(cats, 2, 36), valueAxis(spec, 3)],
      series: [{}].concat(spec.series.map(s => ({
        label: s.name, stroke: s.color, width: s.dash ? 1.5 : 2, dash: s.dash || undefined,
        points: {show: !s.dash, size: 5, fill: s.color},
      }))),
    };
    return new uPlot(opts, [cats.map((_, i) => i)].concat(spec.series.map(s => s.values)), el);
  }

  // A dot per runtime and category, side by side within the category so none hides another;
  // series with a dash (the goal) are drawn as a line across the whole chart.
  function dots(el, spec, width) {
    const cats = spec.categories;
    const all = [].concat.apply([], spec.series.map(s => s.values));
    const range = valueRange(spec, all);
    const points = spec.series.filter(s => !s.dash);
    const step = Math.min(0.08, 0.7 / Math.max(1, points.length));
    const xs = [];
    cats.forEach((_, i) => points.forEach((_, k) => xs.push(i + (k - (points.length - 1) / 2) * step)));
    const ys = spec.series.map(s => {
      if (s.dash) return xs.map(x => s.values[Math.round(x)]);
      const k = points.indexOf(s);
      return xs.map((x, j) => j % points.length === k ? s.values[Math.floor(j / points.length)] : null);
    });
    const opts = {
      width: width,
      height: spec.height || 320,
      legend: {show: true, live: false},
      cursor: {show: false},
      padding: [12, 16, 0, 0],
      scales: {
        x: {time: false, range: [-0.5, cats.length - 0.5]},
        y: {distr: spec.log ? 3 : 1, range: () => range},
      },
      axes: [categoryAxis(cats, 2, 36), valueAxis(spec, 3)],
      series: [{}].concat(spec.series.map(s => s.dash ?
        {label: s.name, stroke: s.color, width: 1.5, dash: s.dash, points: {show: false}, spanGaps: true} :
        {label: s.name, stroke: s.color, width: 0, paths: () => null, points: {show: true, size: 9, fill: s.color, stroke: s.color}})),
    };
    return new uPlot(opts, [xs].concat(ys), el);
  }

  for (const spec of CHARTS) {
    const el = document.getElementById(spec.id);
    if (!el) continue;
    const width = Math.max(320, el.clientWidth || 520);
    if (spec.kind === "bars") bars(el, spec, width);
    else if (spec.kind === "dots") dots(el, spec, width);
    else lines(el, spec, width);
  }
})();
