#include <iostream>

#include "tools/weir/cli.h"

int main(int argc, char** argv) { return weir::cli::Run(argc, argv, std::cout, std::cerr); }
