# Builds the worker from the repository root: docker build -f compose/worker.Dockerfile .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Corrections.Worker -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Not root: the image's unprivileged user, with the model store (a volume in compose) its own.
RUN mkdir -p /data/store && chown app /data/store
USER app
ENTRYPOINT ["dotnet", "corrections-worker.dll"]
