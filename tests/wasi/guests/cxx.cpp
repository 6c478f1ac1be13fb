// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A C++ guest (libc++, no exceptions): containers, algorithms, iostreams, and files in a
// granted directory (through <cstdio>: Debian's wasm32 libc++ is built without fstream). Run as:
// moat run --dir DIR::/work cxx.wasm three two one
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    std::sort(words.begin(), words.end());
    std::map<char, int> letters;
    for (const auto &w : words)
        for (char c : w)
            letters[c]++;
    if (FILE *out = std::fopen("/work/words.txt", "w")) {
        for (const auto &w : words)
            std::fprintf(out, "%s\n", w.c_str());
        std::fclose(out);
    }
    std::string joined;
    if (FILE *in = std::fopen("/work/words.txt", "r")) {
        char line[64];
        while (std::fgets(line, sizeof line, in))
            joined += std::string(line, std::strlen(line) - 1) + ",";
        std::fclose(in);
    }
    std::cout << "sorted: " << joined << " distinct letters: " << letters.size() << std::endl;
    return joined == "one,three,two," && letters.size() == 7 ? 0 : 1;
}
