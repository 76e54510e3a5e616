// compose-loader loads a compose file the way Docker Compose does (compose-go v2: the
// compose-spec JSON schema, interpolation including ${VAR:?error}, YAML anchors and merge
// keys, normalisation, consistency checks) and prints every service's resolved environment
// as JSON, so scripts/check-deploy.sh can hand it to each service's own config loader.
//
// Usage: compose-loader -f docker-compose.yml [-p project] > services.json
// Variables come from the process environment only (no .env file), so the caller decides
// exactly what a user would have set.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

type service struct {
	Image       string            `json:"image,omitempty"`
	BuildTarget string            `json:"buildTarget,omitempty"`
	Environment map[string]string `json:"environment"`
	Replicas    *int              `json:"replicas,omitempty"`
	User        string            `json:"user,omitempty"`
	Volumes     []string          `json:"volumes,omitempty"`
}

func main() {
	file := flag.String("f", "docker-compose.yml", "compose file")
	name := flag.String("p", "speech-coach", "project name")
	flag.Parse()

	opts, err := cli.NewProjectOptions(
		[]string{*file},
		cli.WithOsEnv,
		cli.WithName(*name),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}

	out := map[string]service{}
	names := project.ServiceNames()
	sort.Strings(names)
	for _, n := range names {
		s := project.Services[n]
		env := map[string]string{}
		for k, v := range s.Environment {
			if v != nil {
				env[k] = *v
			}
		}
		svc := service{Image: s.Image, Environment: env, User: s.User}
		if s.Build != nil {
			svc.BuildTarget = s.Build.Target
		}
		if s.Deploy != nil && s.Deploy.Replicas != nil {
			r := *s.Deploy.Replicas
			svc.Replicas = &r
		}
		for _, v := range s.Volumes {
			svc.Volumes = append(svc.Volumes, v.Target)
		}
		out[n] = svc
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "compose-loader: %v\n", err)
	os.Exit(1)
}
