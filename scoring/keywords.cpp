#include "scoring/keywords.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <utf8proc.h>

#include "scoring/normalize.hpp"

namespace grader::scoring {

namespace {

// Scripts below Armenian's end (Latin, Greek, Cyrillic, Armenian) separate
// words with spaces, so a keyword in them must stand at a word boundary.
constexpr utf8proc_int32_t spaced_script_end = 0x530;

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The code point starting at byte `pos` of valid UTF-8 `text`.
utf8proc_int32_t code_point_at(std::string_view text, size_t pos) {
  int32_t c = -1;
  decode_utf8(text, pos, c);
  return c;
}

// The code point ending just before byte `pos` of valid UTF-8 `text`.
utf8proc_int32_t code_point_before(std::string_view text, size_t pos) {
  auto start = pos - 1;
  while (start > 0 && is_continuation_byte(text[start]))
    --start;
  return code_point_at(text, start);
}

// Letters and digits, plus combining marks: a mark after `cat` (as in an
// uncomposable `cat` + U+0301) belongs to the word and so is no boundary.
bool is_word_char(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

bool needs_boundary(utf8proc_int32_t c) {
  return c < spaced_script_end && is_word_char(c);
}

// The distinct normalized keywords of one answer, searched for all at once
// in one pass over the text (Aho-Corasick over bytes). Searching keyword by
// keyword rescans the text for each, which took a minute for an answer with
// 100,000 keywords; here the cost is the text's length plus the keywords'
// total length plus the occurrences checked, and at most one keyword of
// each length ends at any one byte of the text.
class keyword_set {
public:
  /// Adds a normalized, non-empty keyword and returns its id. A keyword
  /// added twice keeps its first id, so two spellings with one normalized
  /// form are looked for once.
  uint32_t add(std::string_view keyword) {
    uint32_t state = root;
    for (auto c : keyword) {
      auto byte = static_cast<unsigned char>(c);
      auto next = static_cast<uint32_t>(nodes_.size());
      auto [edge, added] = edges_.try_emplace(edge_key(state, byte), next);
      if (added) {
        node child;
        child.parent = state;
        child.byte = byte;
        child.depth = nodes_[state].depth + 1;
        nodes_.push_back(child);
      }
      state = edge->second;
    }
    auto& end = nodes_[state];
    if (end.keyword == none) {
      end.keyword = static_cast<uint32_t>(boundaries_.size());
      boundaries_.push_back(
        {needs_boundary(code_point_at(keyword, 0)),
         needs_boundary(code_point_before(keyword, keyword.size()))});
    }
    return end.keyword;
  }

  /// The number of distinct keywords added.
  size_t size() const {
    return boundaries_.size();
  }

  /// Which keywords (by id) occur in the normalized `text` with word
  /// boundaries where their script asks for them.
  std::vector<bool> find_in(std::string_view text) {
    link();
    std::vector<bool> found(size(), false);
    if (size() == 0)
      return found;
    auto boundaries = word_edges(text);
    auto missing = size();
    uint32_t state = root;
    for (size_t i = 0; i < text.size(); ++i) {
      state = step(state, static_cast<unsigned char>(text[i]));
      auto end = i + 1;
      // Every keyword that ends here is a suffix of the text read so far:
      // this state's own, then the ones along its fallback links.
      for (auto out = nodes_[state].output; out != none;
           out = nodes_[nodes_[out].fallback].output) {
        auto id = nodes_[out].keyword;
        if (found[id])
          continue;
        auto start = end - nodes_[out].depth;
        // Only a letter of a spaced script continues the word: a Korean
        // particle attached to an English term ("DNA는") does not.
        const auto& needs = boundaries_[id];
        if (needs.front && boundaries.word_ends_at[start])
          continue;
        if (needs.back && boundaries.word_starts_at[end])
          continue;
        found[id] = true;
        if (--missing == 0)
          return found;
      }
    }
    return found;
  }

private:
  static constexpr uint32_t root = 0;
  static constexpr uint32_t none = UINT32_MAX;

  struct node {
    uint32_t parent = root;
    unsigned char byte = 0;
    // The length in bytes of the keyword prefix this node stands for.
    uint32_t depth = 0;
    // The node of the longest proper suffix of this prefix that is also a
    // prefix of some keyword: where the search goes on after a mismatch.
    uint32_t fallback = root;
    // The nearest node, this one or one along the fallback links, that
    // ends a keyword; none when there is none.
    uint32_t output = none;
    // The id of the keyword that ends here; none when none does.
    uint32_t keyword = none;
  };

  // Which edges of a keyword must stand at a word boundary.
  struct boundary_needs {
    bool front = false;
    bool back = false;
  };

  // For each byte offset of a text, whether a letter or digit of a spaced
  // script ends just before it or starts at it.
  struct word_edge_map {
    std::vector<bool> word_ends_at;
    std::vector<bool> word_starts_at;
  };

  static uint64_t edge_key(uint32_t from, unsigned char byte) {
    return (uint64_t{from} << 8) | byte;
  }

  static word_edge_map word_edges(std::string_view text) {
    word_edge_map result;
    result.word_ends_at.resize(text.size() + 1, false);
    result.word_starts_at.resize(text.size() + 1, false);
    size_t pos = 0;
    while (pos < text.size()) {
      int32_t c = 0;
      auto length = decode_utf8(text, pos, c);
      if (length == 0)
        break;
      auto is_word = needs_boundary(c);
      result.word_starts_at[pos] = is_word;
      result.word_ends_at[pos + length] = is_word;
      pos += length;
    }
    return result;
  }

  // The child of `from` along `byte`; none when there is none.
  uint32_t child(uint32_t from, unsigned char byte) const {
    auto edge = edges_.find(edge_key(from, byte));
    return edge == edges_.end() ? none : edge->second;
  }

  // The state after reading `byte` in `state`: the longest keyword prefix
  // that ends the text read so far.
  uint32_t step(uint32_t state, unsigned char byte) const {
    for (;;) {
      auto next = child(state, byte);
      if (next != none)
        return next;
      if (state == root)
        return root;
      state = nodes_[state].fallback;
    }
  }

  // Sets the fallback and output links, parents before children (a node's
  // links depend on shorter prefixes only).
  void link() {
    std::vector<uint32_t> by_depth(nodes_.size());
    std::iota(by_depth.begin(), by_depth.end(), 0);
    std::stable_sort(by_depth.begin(), by_depth.end(),
                     [this](uint32_t x, uint32_t y) {
                       return nodes_[x].depth < nodes_[y].depth;
                     });
    for (auto id : by_depth) {
      auto& x = nodes_[id];
      if (id != root && x.parent != root)
        x.fallback = step(nodes_[x.parent].fallback, x.byte);
      // The root ends no keyword and falls back to itself, so its output
      // stays none.
      x.output = x.keyword != none ? id : nodes_[x.fallback].output;
    }
  }

  std::vector<node> nodes_ = std::vector<node>(1);
  std::unordered_map<uint64_t, uint32_t> edges_;
  std::vector<boundary_needs> boundaries_;
};

} // namespace

std::vector<std::string>
match_keywords(std::string_view text,
               const std::vector<std::string>& keywords) {
  std::vector<std::string> result;
  auto normalized_text = normalize(text);
  if (normalized_text.empty())
    return result;
  // Each spelling once, in the caller's order, with the id of its
  // normalized form.
  keyword_set searched;
  std::unordered_set<std::string_view> seen;
  std::vector<std::pair<const std::string*, uint32_t>> spellings;
  for (const auto& keyword : keywords) {
    if (!seen.insert(keyword).second)
      continue;
    auto normalized_keyword = normalize(keyword);
    if (!normalized_keyword.empty())
      spellings.emplace_back(&keyword, searched.add(normalized_keyword));
  }
  auto found = searched.find_in(normalized_text);
  for (const auto& [keyword, id] : spellings)
    if (found[id])
      result.push_back(*keyword);
  return result;
}

} // namespace grader::scoring
