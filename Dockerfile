# salud in a container, for CI systems that prefer one to the installer:
#   docker build -t salud --build-arg SALUD_COMMIT=$(git rev-parse --short HEAD) .
#   docker run --rm -v "$PWD:/site" salud build --base-url https://example.org/
# Two stages: the Rust toolchain builds salud; the final image holds only the binary (the
# default theme, its fonts and the i18n files are inside it) on a small Debian.

FROM rust:1.89-slim-bookworm AS build
# build.rs names the commit from git, which the build context leaves out (.dockerignore).
ARG SALUD_COMMIT=unknown
ENV SALUD_COMMIT=$SALUD_COMMIT
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/salud

FROM debian:bookworm-slim
COPY --from=build /src/target/release/salud /usr/local/bin/salud
COPY --from=build /src/LICENSE /src/themes/default/fonts/LICENSE-DejaVu.txt /usr/share/doc/salud/
# A site mounted at /site, built as the user who owns it (docker run --user "$(id -u)").
WORKDIR /site
ENTRYPOINT ["salud"]
CMD ["build"]
