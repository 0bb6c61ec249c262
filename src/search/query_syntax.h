// query_syntax.h: which typed queries may go to Xapian's query parser (C++, inside the shim only).
#ifndef HC_QUERY_SYNTAX_H
#define HC_QUERY_SYNTAX_H

#include <string>

// True when the query's operators, quotes and +/- marks form a shape
// Xapian's parser accepts; false sends the query to the plain words.
bool syntax_well_formed(const std::string &query);

#endif
