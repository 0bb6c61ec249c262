/* svg.c: line charts and funnel bars as inline SVG, drawn on the server so the page needs no script. */
#include <math.h>
#include <string.h>

#include "svg.h"
#include "util/strbuf.h"
#include "util/text.h"

#define W		640
#define H		220
#define LEFT		44
#define RIGHT		12
#define TOP		12
#define BOTTOM		44
#define AXIS_COLOR	"#6b7280"
#define GRID_COLOR	"#e5e7eb"

static void
esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s, strlen(s));
}

/* A round number at least max, for the axis top. */
static double
nice_max(double max)
{
	double	step;

	if (max <= 0)
		return (1);
	step = pow(10, floor(log10(max)));
	if (max <= 2 * step)
		return (2 * step);
	if (max <= 5 * step)
		return (5 * step);
	return (10 * step);
}

char *
svg_lines(const char *title, const char *const *labels,
    const struct svg_series *series, size_t nseries, size_t npoints,
    int percent)
{
	struct strbuf	 sb;
	double		 max, x, y, v, pw, ph;
	size_t		 i, k, every;
	int		 pen;

	pw = W - LEFT - RIGHT;
	ph = H - TOP - BOTTOM;
	max = 0;
	for (k = 0; k < nseries; k++)
		for (i = 0; i < npoints; i++)
			if (!isnan(series[k].values[i]) &&
			    series[k].values[i] > max)
				max = series[k].values[i];
	max = percent ? 1.0 : nice_max(max);
	sb_init(&sb);
	sb_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" class=\"chart\" "
	    "aria-label=\"", W, H);
	esc(&sb, title);
	sb_puts(&sb, "\"><title>");
	esc(&sb, title);
	sb_puts(&sb, "</title>");
	/* Grid and the y axis: 0, half, top. */
	for (i = 0; i <= 2; i++) {
		y = TOP + ph - ph * (double)i / 2.0;
		sb_printf(&sb, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
		    "y2=\"%.1f\" stroke=\"" GRID_COLOR "\"/>", LEFT, y, W - RIGHT,
		    y);
		if (percent)
			sb_printf(&sb, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
			    "text-anchor=\"end\" fill=\"" AXIS_COLOR "\">%d %%"
			    "</text>", LEFT - 4, y + 4, (int)(50 * i));
		else
			sb_printf(&sb, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
			    "text-anchor=\"end\" fill=\"" AXIS_COLOR "\">%g"
			    "</text>", LEFT - 4, y + 4, max * (double)i / 2.0);
	}
	/* About six date labels, whatever the range. */
	every = npoints > 6 ? (npoints + 5) / 6 : 1;
	for (i = 0; i < npoints; i++) {
		if (i % every != 0 && i != npoints - 1)
			continue;
		if (i != npoints - 1 && npoints - 1 - i < every / 2)
			continue;
		x = LEFT + (npoints > 1 ? pw * (double)i / (double)(npoints -
		    1) : pw / 2);
		sb_printf(&sb, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
		    "text-anchor=\"middle\" fill=\"" AXIS_COLOR "\">", x,
		    H - BOTTOM + 16);
		/* MM-DD is enough under the chart. */
		esc(&sb, strlen(labels[i]) == 10 ? labels[i] + 5 : labels[i]);
		sb_puts(&sb, "</text>");
	}
	for (k = 0; k < nseries; k++) {
		sb_printf(&sb, "<path fill=\"none\" stroke-width=\"2\" "
		    "stroke=\"%s\" d=\"", series[k].color);
		pen = 0;
		for (i = 0; i < npoints; i++) {
			v = series[k].values[i];
			if (isnan(v)) {
				pen = 0;
				continue;
			}
			x = LEFT + (npoints > 1 ? pw * (double)i /
			    (double)(npoints - 1) : pw / 2);
			y = TOP + ph - ph * v / max;
			sb_printf(&sb, "%c%.1f %.1f ", pen ? 'L' : 'M', x, y);
			pen = 1;
		}
		sb_puts(&sb, "\"/>");
		/* The legend, under the axis labels. */
		x = LEFT + 150.0 * (double)k;
		sb_printf(&sb, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" "
		    "height=\"4\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" "
		    "font-size=\"12\" fill=\"#111827\">", x, H - 14,
		    series[k].color, x + 16, H - 9);
		esc(&sb, series[k].name);
		sb_puts(&sb, "</text>");
	}
	sb_puts(&sb, "</svg>");
	return (sb_detach(&sb));
}

char *
svg_bars(const char *title, const char *const *labels,
    const long long *values, size_t n)
{
	struct strbuf	 sb;
	long long	 max;
	double		 w;
	size_t		 i;
	int		 h;

	h = 8 + 30 * (int)n;
	max = 0;
	for (i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	sb_init(&sb);
	sb_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" class=\"chart\" "
	    "aria-label=\"", W, h);
	esc(&sb, title);
	sb_puts(&sb, "\"><title>");
	esc(&sb, title);
	sb_puts(&sb, "</title>");
	for (i = 0; i < n; i++) {
		w = max > 0 ? 380.0 * (double)values[i] / (double)max : 0;
		sb_printf(&sb, "<text x=\"190\" y=\"%d\" font-size=\"13\" "
		    "text-anchor=\"end\" fill=\"#111827\">", 26 + 30 * (int)i);
		esc(&sb, labels[i]);
		sb_printf(&sb, "</text><rect x=\"200\" y=\"%d\" width=\"%.1f\" "
		    "height=\"20\" rx=\"3\" fill=\"#2563eb\"/><text x=\"%.1f\" "
		    "y=\"%d\" font-size=\"13\" fill=\"#111827\">%lld</text>",
		    12 + 30 * (int)i, w, 206 + w, 26 + 30 * (int)i, values[i]);
	}
	sb_puts(&sb, "</svg>");
	return (sb_detach(&sb));
}
