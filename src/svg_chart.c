/*
 * svg_chart.c -- the report's charts as inline SVG. One frame helper
 * (aq__chart_begin: grid, axes, tick labels in the report's number format)
 * serves every chart; lines and ranked bars are marks drawn in its data
 * coordinates. Colours and strokes come from CSS classes of the report's
 * stylesheet, so print and screen styles stay in one place.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A "nice" tick step (1, 2 or 5 times a power of ten) giving about
 * TARGET ticks over RANGE. */
static double nice_step(double range, int target)
{
    if (!(range > 0))
        return 1;
    double raw = range / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static double px(const aq__chart *c, double x)
{
    double span = c->x1 - c->x0;
    return c->ml + (span > 0 ? (x - c->x0) / span : 0.5) * (c->w - c->ml - c->mr);
}

static double py(const aq__chart *c, double y)
{
    double span = c->y1 - c->y0;
    return c->mt + (span > 0 ? (c->y1 - y) / span : 0.5) * (c->h - c->mt - c->mb);
}

/* The label of tick value V on an axis of format FMT and tick STEP. */
static const char *tick_label(const aq__chart *c, int fmt, double v, double step, char *buf, size_t size)
{
    if (fmt == AQ__AXIS_YEAR) {
        snprintf(buf, size, "%.0f", v);
        return buf;
    }
    double shown = fmt == AQ__AXIS_PERCENT ? v * 100 : v;
    double st = fmt == AQ__AXIS_PERCENT ? step * 100 : step;
    int dec = st >= 1 ? 0 : (int)ceil(-log10(st) - 1e-9);
    aq_report_number(shown, dec, c->lang, buf, size);
    if (fmt == AQ__AXIS_PERCENT) {
        size_t len = strlen(buf);
        if (len + 2 < size)
            memcpy(buf + len, "%", 2);
    }
    return buf;
}

/* Ticks of one axis: grid lines across the plot and labels outside it.
 * VERTICAL: the y axis. */
static void axis(aq_buf *b, const aq__chart *c, int vertical)
{
    int fmt = vertical ? c->yfmt : c->xfmt;
    if (fmt == AQ__AXIS_NONE)
        return;
    double lo = vertical ? c->y0 : c->x0, hi = vertical ? c->y1 : c->x1;
    double step = nice_step(hi - lo, vertical ? 5 : 8);
    if (fmt == AQ__AXIS_YEAR && step < 1)
        step = 1;
    char lab[64];
    for (double v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
        tick_label(c, fmt, fabs(v) < step * 1e-9 ? 0 : v, step, lab, sizeof lab);
        if (vertical) {
            double y = py(c, v);
            aq__buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                              "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                           c->ml, y, c->w - c->mr, y, c->ml - 6, y + 4, lab);
        } else {
            double x = px(c, v);
            aq__buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                              "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                           x, c->mt, x, c->h - c->mb, x, c->h - c->mb + 16, lab);
        }
    }
}

void aq__chart_begin(aq_buf *b, const aq__chart *c)
{
    aq__buf_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"",
                   c->w, c->h, c->w, c->h);
    aq__html_escape(b, c->aria ? c->aria : "");
    aq__buf_puts(b, "\">\n");
    axis(b, c, 1);
    axis(b, c, 0);
    aq__buf_printf(b, "<path class=\"axis\" d=\"M%.1f %.1fV%.1fH%.1f\"/>\n", c->ml, c->mt, c->h - c->mb,
                   c->w - c->mr);
    if (c->xlabel) {
        aq__buf_printf(b, "<text class=\"atitle\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                       (c->ml + c->w - c->mr) / 2, c->h - 6);
        aq__html_escape(b, c->xlabel);
        aq__buf_puts(b, "</text>\n");
    }
    if (c->ylabel) {
        double yc = (c->mt + c->h - c->mb) / 2;
        aq__buf_printf(b, "<text class=\"atitle\" transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\">", yc);
        aq__html_escape(b, c->ylabel);
        aq__buf_puts(b, "</text>\n");
    }
}

void aq__chart_line(aq_buf *b, const aq__chart *c, const double *x, const double *y,
                    size_t n, const char *cls, int dots)
{
    aq__buf_printf(b, "<polyline class=\"%s\" points=\"", cls);
    for (size_t i = 0; i < n; i++)
        aq__buf_printf(b, "%s%.1f,%.1f", i ? " " : "", px(c, x[i]), py(c, y[i]));
    aq__buf_puts(b, "\"/>\n");
    for (size_t i = 0; dots && i < n; i++)
        aq__buf_printf(b, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n", cls, px(c, x[i]), py(c, y[i]));
}

void aq__chart_end(aq_buf *b) { aq__buf_puts(b, "</svg>\n"); }

/* The frame of a chart with one row per category (N rows, top first):
 * labels on the left, a numeric x axis from 0 to a nice value >= XMAX. */
static aq__chart row_chart(const char *lang, size_t n, double w, double xmax, const char *xlabel,
                           const char *aria)
{
    double step = nice_step(xmax, 6);
    return (aq__chart){.w = w, .h = 22.0 * (double)n + 56, .ml = 250, .mr = 80, .mt = 8, .mb = 44,
                       .x0 = 0, .x1 = xmax > 0 ? ceil(xmax / step) * step : 1, .y0 = 0, .y1 = (double)n,
                       .xfmt = 0, .yfmt = AQ__AXIS_NONE, .lang = lang, .xlabel = xlabel, .aria = aria};
}

/* Row I's band: its top and height in picture units. */
static void row_band(const aq__chart *c, size_t i, size_t n, double *top, double *hgt)
{
    *top = py(c, (double)(n - i)) + 3;
    *hgt = py(c, 0) - py(c, 1) - 6;
}

/* Row I's label, right-aligned left of the plot; "i+1. " first when NUMBERED. */
static void row_label(aq_buf *b, const aq__chart *c, size_t i, size_t n, const char *label, int numbered)
{
    double top, hgt;
    row_band(c, i, n, &top, &hgt);
    aq__buf_printf(b, "<text class=\"blabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", c->ml - 6,
                   top + hgt - 4);
    if (numbered)
        aq__buf_printf(b, "%zu. ", i + 1);
    aq__html_escape(b, label);
    aq__buf_puts(b, "</text>");
}

static double max_finite(const double *x, size_t n, double m)
{
    for (size_t i = 0; x && i < n; i++)
        if (isfinite(x[i]) && x[i] > m)
            m = x[i];
    return m;
}

void aq__chart_bars(aq_buf *b, const char *lang, const char *const *labels,
                    const double *values, const char *const *fills, size_t n, double w,
                    int decimals, int numbered, const char *xlabel, const char *aria)
{
    aq__chart c = row_chart(lang, n, w, max_finite(values, n, 0), xlabel, aria);
    aq__chart_begin(b, &c);
    char num[64];
    for (size_t i = 0; i < n; i++) {
        double top, hgt;
        row_band(&c, i, n, &top, &hgt);
        double v = isfinite(values[i]) ? values[i] : 0;
        aq__buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                       c.ml, top, px(&c, v) - c.ml, hgt, fills[i] ? fills[i] : "#888");
        row_label(b, &c, i, n, labels[i], numbered);
        aq__buf_printf(b, "<text class=\"bvalue\" x=\"%.1f\" y=\"%.1f\">%s</text>\n", px(&c, v) + 4,
                       top + hgt - 4, aq_report_number(values[i], decimals, lang, num, sizeof num));
    }
    aq__chart_end(b);
}

void aq__chart_dots(aq_buf *b, const char *lang, const char *const *labels, const double *from,
                    const double *to, size_t n, double w, double ref, int numbered,
                    const char *xlabel, const char *aria)
{
    aq__chart c = row_chart(lang, n, w, max_finite(to, n, max_finite(from, n, ref)), xlabel, aria);
    aq__chart_begin(b, &c);
    if (isfinite(ref)) {
        const double rx[2] = {ref, ref}, ry[2] = {0, (double)n};
        aq__chart_line(b, &c, rx, ry, 2, "diag", 0);
    }
    for (size_t i = 0; i < n; i++) {
        double top, hgt;
        row_band(&c, i, n, &top, &hgt);
        double y = top + hgt / 2;
        if (isfinite(from[i]) && isfinite(to[i]))
            aq__buf_printf(b, "<line class=\"dl\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                           px(&c, from[i]), y, px(&c, to[i]), y);
        if (isfinite(from[i]))
            aq__buf_printf(b, "<circle class=\"d0\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", px(&c, from[i]), y);
        if (isfinite(to[i]))
            aq__buf_printf(b, "<circle class=\"d1\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>", px(&c, to[i]), y);
        row_label(b, &c, i, n, labels[i], numbered);
        aq__buf_puts(b, "\n");
    }
    aq__chart_end(b);
}
