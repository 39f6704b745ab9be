# newsmine in a container: the binary, libtorch (CPU) and the models, run as a non-root user.
#
#   docker build -t newsmine .
#   docker run --rm -v "$PWD/corpus:/data/corpus:ro" -v "$PWD/out:/data/out" newsmine \
#       run /data/corpus --out /data/out
#
# The build needs PyPI (scripts/setup.sh takes libtorch and the base encoder from it) and
# crates.io; nothing is downloaded when the image runs. The source tree sits at /opt/newsmine in
# both stages because the binary looks for libtorch (an rpath), the base encoder and the shipped
# models at the paths of the tree it was built from: the same paths in the runtime stage let it
# run from any working directory without extra variables.
ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/newsmine
# set-up first: its layer (libtorch, ~1 GB of wheels) is reused while only the source changes
COPY scripts/setup.sh scripts/setup.sh
RUN bash scripts/setup.sh && rm -rf .deps/wheels
COPY . .
RUN cargo build --release --locked --bin newsmine \
 && target/release/newsmine --version

FROM ${RUNTIME_IMAGE}
# libstdc++ and libgcc come with the base image; libtorch brings its own libgomp
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home newsmine \
 && mkdir -p /data && chown newsmine:newsmine /data
COPY --from=build /opt/newsmine/.deps/libtorch/lib /opt/newsmine/.deps/libtorch/lib
COPY --from=build /opt/newsmine/.deps/models/minilm /opt/newsmine/.deps/models/minilm
COPY --from=build /opt/newsmine/models /opt/newsmine/models
COPY --from=build /opt/newsmine/corpus /opt/newsmine/corpus
COPY --from=build /opt/newsmine/target/release/newsmine /usr/local/bin/newsmine
USER newsmine
WORKDIR /data
# fails the build when a library or model is missing: one article through every stage
RUN newsmine run /opt/newsmine/corpus --out /tmp/smoke --quiet && rm -rf /tmp/smoke
ENTRYPOINT ["newsmine"]
CMD ["--help"]
