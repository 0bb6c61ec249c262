/* svg.h: small server-rendered SVG charts for the editors' page (no script, no external style). */
#ifndef HC_SVG_H
#define HC_SVG_H

#include <stddef.h>

/* One line of a chart: npoints values; a NAN value leaves a gap. */
struct svg_series {
	const char	*name;
	const double	*values;
	const char	*color;		/* an SVG colour, e.g. "#2563eb" */
};

/*
 * A line chart over npoints x positions labelled by labels (the first and
 * last and a few between are printed), with a legend. percent: values are
 * 0..1 and the axis shows 0-100 %. title is the accessible name. Returns a
 * malloc'd <svg> element; texts are escaped.
 */
char	*svg_lines(const char *title, const char *const *labels,
	    const struct svg_series *, size_t nseries, size_t npoints,
	    int percent);

/*
 * Horizontal bars (a funnel): one bar per label, widths relative to the
 * largest value, the value printed beside it. Returns a malloc'd <svg>.
 */
char	*svg_bars(const char *title, const char *const *labels,
	    const long long *values, size_t n);

#endif
